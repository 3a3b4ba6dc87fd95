"""Stream the lines of JSON Lines files and folders of them, one line at a time.

Nothing here holds a whole file: files are read line by line, folders walked lazily. Bytes that
are not UTF-8 are kept as surrogate escapes (`errors="surrogateescape"`), so the loader can
quarantine the line (`is_utf8` is false) instead of the whole file failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

SUFFIX = ".jsonl"
_BOM = "\ufeff"
# The longest line read whole. The longest valid record (every text at its maximum, escaped) is
# well under it; a longer line is quarantined with its first MAX_LINE_BYTES only, so that one
# runaway export cannot fill the memory.
MAX_LINE_BYTES = 1 << 20


class RawLine(NamedTuple):
    file: Path
    line_no: int  # 1-based, counting every line of the file (blank ones too)
    raw: str  # without its line ending; its first MAX_LINE_BYTES when `too_long`
    too_long: bool = False


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """The `.jsonl` files of `paths`: files as given, folders searched recursively (sorted).

    Raises FileNotFoundError before anything is read when a path does not exist.
    """
    missing = [str(path) for path in paths if not Path(path).exists()]
    if missing:
        raise FileNotFoundError(
            f"找不到输入文件或文件夹(no such file or folder): {', '.join(missing)}"
        )
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        else:
            files.append(path)
    return files


def read_lines(file: Path) -> Iterator[RawLine]:
    """The non-blank lines of one file, in order, with their line numbers."""
    with file.open("rb") as stream:
        line_no = 0
        while data := stream.readline(MAX_LINE_BYTES + 1):
            line_no += 1
            too_long = len(data) > MAX_LINE_BYTES and not data.endswith(b"\n")
            if too_long:
                data = data[:MAX_LINE_BYTES]
                while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass  # the rest of the overlong line, skipped a bounded piece at a time
            raw = data.decode("utf-8", errors="surrogateescape").rstrip("\r\n")
            if line_no == 1:
                raw = raw.removeprefix(_BOM)
            if raw.strip():
                yield RawLine(file, line_no, raw, too_long)


def iter_lines(paths: Sequence[Path]) -> Iterator[RawLine]:
    """The non-blank lines of every file of `paths` (see `expand_paths`), file after file."""
    for file in expand_paths(paths):
        yield from read_lines(file)


def is_utf8(raw: str) -> bool:
    """False when the line held bytes that are not UTF-8 (kept as surrogate escapes)."""
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Lone surrogates that are not surrogate escapes of undecodable bytes: JSON may spell them
# ("\\ud800"), and no encoder takes them.
_LONE_SURROGATES = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def printable(raw: str) -> str:
    """The line with undecodable bytes and NULs shown as `\\xNN` (and lone surrogates as
    `\\uNNNN`), safe to store and log."""
    raw = _LONE_SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", raw)
    text = raw.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
    return text.replace("\x00", "\\x00")


def raw_bytes(raw: str) -> bytes:
    """The line's original bytes."""
    return raw.encode("utf-8", errors="surrogateescape")
