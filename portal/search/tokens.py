"""Text analysis shared by every search backend: pure functions, no engine syntax.

Chinese has no spaces between words, so text is cut into *runs*:

- a CJK run (ideographs, kana, hangul) is indexed as single characters (unigrams) and as
  overlapping pairs (bigrams): "钛合金" -> unigrams "钛 合 金", bigrams "钛合 合金";
- a word run (latin letters and digits) is indexed as one lower-cased word;
- everything else (spaces, punctuation, symbols) separates runs and is never searchable.

A query is cut the same way. A one-character CJK run is looked up among the unigrams; a longer run
is the phrase of its consecutive bigrams ("钛合金锻" -> "钛合 合金 金锻", adjacent), which matches
exactly the texts containing the run as a substring: no false positives ("合钛" does not match
"钛合金"), and no minimum length. Between two runs of a text the bigram stream gets a filler token
(`RUN_BREAK`), so a phrase never continues across punctuation ("钛合,合金" does not contain
"钛合金").

`fold` normalises character by character (NFKC, lower case) without changing the length of the
text, so offsets found in a folded text are offsets in the original: the highlighter relies on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from operator import add

from portal.errors import BadRequest

# Filler token between the bigrams of two runs; never produced by a query (queries only ask the
# bigram stream for CJK bigrams).
RUN_BREAK = "0"

_CJK_RANGES = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x323AF),  # CJK extensions B–H
)


_CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
# Letters and digits (`str.isalnum`), then those cut into CJK and other (word) runs.
_ALNUM = re.compile(r"[^\W_]+")
_CJK_OR_WORD = re.compile(f"([{_CJK_CLASS}]+)|[^{_CJK_CLASS}]+")


class RunKind(Enum):
    CJK = "cjk"
    WORD = "word"


@dataclass(frozen=True)
class Run:
    kind: RunKind
    text: str  # folded
    start: int
    end: int


@dataclass(frozen=True)
class QueryPart:
    """One searchable piece of a query: a CJK run or a word (`prefix`: match words starting so)."""

    kind: RunKind
    text: str
    prefix: bool = False

    @property
    def bigrams(self) -> tuple[str, ...]:
        return bigrams(self.text)


@dataclass(frozen=True)
class QueryTerm:
    """A whitespace-separated term of the query; all its parts must match."""

    raw: str
    parts: tuple[QueryPart, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query with surrounding and repeated whitespace removed
    terms: tuple[QueryTerm, ...]  # all must match; empty: browse

    @property
    def parts(self) -> tuple[QueryPart, ...]:
        return tuple(part for term in self.terms for part in term.parts)

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """The strings to mark in the original texts, longest first, without repeats."""
        unique = dict.fromkeys(part.text for part in self.parts)
        return tuple(sorted(unique, key=len, reverse=True))


@dataclass(frozen=True)
class FieldTokens:
    """A field's text prepared for an engine that splits on spaces."""

    unigrams: str  # CJK characters and words, space-separated, in text order
    bigrams: str  # CJK bigrams, space-separated, RUN_BREAK between runs


@cache
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    lower = folded.lower()
    return lower if len(lower) == 1 else folded


def fold(text: str) -> str:
    """NFKC and lower case, one character at a time: `len(fold(t)) == len(t)` always."""
    if text.isascii():
        return text.lower()
    if unicodedata.is_normalized("NFKC", text):
        lower = text.lower()  # never shorter, so the same length means char by char
        if len(lower) == len(text):
            return lower
    return "".join(_fold_char(ch) for ch in text)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES) and ch.isalnum()


def is_word_char(ch: str) -> bool:
    """A latin (or other alphabetic script) letter or a digit: part of a word run."""
    return ch.isalnum() and not is_cjk(ch)


def runs(text: str) -> Iterator[Run]:
    """The CJK and word runs of `text` (folded), with their offsets in `text`."""
    for alnum in _ALNUM.finditer(fold(text)):
        base = alnum.start()
        for match in _CJK_OR_WORD.finditer(alnum.group()):
            kind = RunKind.CJK if match.group(1) else RunKind.WORD
            yield Run(kind, match.group(), base + match.start(), base + match.end())


def bigrams(run: str) -> tuple[str, ...]:
    return tuple(map(add, run, run[1:]))


def analyse_field(*texts: str) -> FieldTokens:
    """Index tokens of a field; several texts (a multi-valued field) never join into one run."""
    unigrams: list[str] = []
    pairs: list[str] = []
    for text in texts:
        for alnum in _ALNUM.findall(fold(text)):
            for match in _CJK_OR_WORD.finditer(alnum):
                run = match.group()
                if not match.group(1):
                    unigrams.append(run)
                    continue
                unigrams.extend(run)
                if len(run) > 1:
                    if pairs:
                        pairs.append(RUN_BREAK)
                    pairs.extend(map(add, run, run[1:]))
    return FieldTokens(" ".join(unigrams), " ".join(pairs))


def parse_query(text: str) -> ParsedQuery:
    """Cut a user's query into terms and parts.

    Blank text gives no terms (browse). Text with nothing searchable (only punctuation or
    symbols) raises BadRequest. The last word of the query is a prefix, for search-as-you-type.
    """
    raw_terms = text.split()
    terms = []
    for raw in raw_terms:
        parts = tuple(QueryPart(run.kind, run.text) for run in runs(raw))
        if parts:
            terms.append(QueryTerm(raw, parts))
    if raw_terms and not terms:
        raise BadRequest("检索词中没有可检索的文字,请输入企业名称、产品或统一社会信用代码等")
    if terms and terms[-1].parts[-1].kind is RunKind.WORD and not text[-1:].isspace():
        last = terms[-1]
        tail = QueryPart(RunKind.WORD, last.parts[-1].text, prefix=True)
        terms[-1] = QueryTerm(last.raw, (*last.parts[:-1], tail))
    return ParsedQuery(" ".join(raw_terms), tuple(terms))
