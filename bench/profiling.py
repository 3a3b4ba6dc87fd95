"""Profiles of a running server under load: py-spy samples every thread of the `portal serve`
process (the sync views run in worker threads, which an in-process profiler would miss); the
collapsed stacks are summarised as self and inclusive shares per function."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import Server, log
from bench.load import Request, write_requests, wrk_once


def record(
    server: Server, requests: list[Request], label: str, out_dir: Path, seconds: int = 10
) -> dict[str, Any]:
    assert server.proc is not None
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        return {"error": "py-spy not installed"}
    raw = out_dir / f"profile-{label}.txt"
    args = [
        py_spy, "record", "--pid", str(server.proc.pid), "--duration", str(seconds),
        "--rate", "200", "--format", "raw", "--output", str(raw), "--nonblocking",
    ]  # fmt: skip
    requests_file = write_requests(f"profile-{label}", requests)
    load: dict[str, Any] = {}

    def drive() -> None:
        load.update(wrk_once(server.url, requests_file, 8, seconds))

    driver = threading.Thread(target=drive)
    driver.start()
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    driver.join()
    if done.returncode != 0 or not raw.exists():
        log(f"py-spy failed: {done.stderr[-500:]}")
        return {"error": done.stderr[-500:]}
    summary = summarise(raw)
    summary["rps_while_profiled"] = load.get("rps")
    return summary


def summarise(raw: Path, limit: int = 30) -> dict[str, Any]:
    """Self and inclusive sample shares per function from py-spy's collapsed stacks, idle
    threads (waiting on a lock, a queue or epoll) counted apart."""
    self_counts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = idle = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")]
        leaf = frames[-1]
        if any(w in leaf for w in ("wait (threading", "select (selectors", "_worker (concurrent",
                                   "get (queue", "run_once", "acquire")):  # fmt: skip
            idle += count
            continue
        total += count
        self_counts[leaf] += count
        for frame in set(frames):
            inclusive[frame] += count
    return {
        "busy_samples": total,
        "idle_samples": idle,
        "self": [(f, round(100 * n / total, 1)) for f, n in self_counts.most_common(limit)],
        "inclusive": [(f, round(100 * n / total, 1)) for f, n in inclusive.most_common(limit)],
    }


def _short(frame: str) -> str:
    """`func (path/to/module.py:123)` -> `func (module.py)`."""
    name, _, where = frame.partition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(file).parts
    short = "/".join(parts[-2:]) if parts else file
    return f"{name} ({short})"
