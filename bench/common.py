"""What every benchmark module shares: sizes, folders, environment, versions, load average,
child processes with their peak memory, the portal server as a subprocess, and results files.

Everything runs on loopback (127.0.0.1) only; every load run is bounded in time and count.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TODAY = "2026-11-24"  # PORTAL_TODAY of every run: same data, same answers, whatever the date
SEED = 2013
ES_URL = os.environ.get("BENCH_ES_URL", "http://127.0.0.1:9200")
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5433/postgres")
PG_DATABASE = "credit_portal_bench"
PORTAL = shutil.which("portal") or "portal"


@dataclass(frozen=True)
class Size:
    name: str
    enterprises: int
    generator_sizes: tuple[int, ...]  # the generator runs at each, to show memory stays flat
    ingest_batch_sizes: tuple[int, ...]
    ingest_runs: int  # repetitions of each ingest (median)
    load_seconds: int  # duration of one load run
    load_runs: int  # repetitions of each load run (median)
    concurrency: tuple[int, ...] = (1, 8, 32)


SIZES = {
    "small": Size("small", 2_000, (2_000, 20_000), (1_000, 10_000), 3, 2, 3),
    "medium": Size("medium", 100_000, (10_000, 100_000), (1_000,), 1, 4, 3),
    "large": Size("large", 1_000_000, (100_000, 1_000_000), (1_000, 10_000), 1, 10, 3),
}


def size_dir(size: Size) -> Path:
    path = OUT / size.name
    path.mkdir(parents=True, exist_ok=True)
    return path


def log(message: str) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    print(f"[bench {stamp}] {message}", file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def wait_quiet(max_seconds: float, threshold: float = 1.0) -> list[float]:
    """Wait until the 1-minute load average is below `threshold` (at most `max_seconds`)."""
    deadline = time.monotonic() + max_seconds
    while os.getloadavg()[0] >= threshold and time.monotonic() < deadline:
        log(f"load average {loadavg()}: waiting for a quiet machine")
        time.sleep(min(30.0, max(1.0, deadline - time.monotonic())))
    return loadavg()


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def portal_env(data_dir: Path, *, servers: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a portal subprocess: its own data dir, a fixed today, quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_DATA_DIR=str(data_dir),
        PORTAL_TODAY=TODAY,
        PORTAL_LOG_LEVEL="WARNING",
        PORTAL_SECRET_KEY="bench-not-secret",
        # The load generator is one client by design: fair-use limits off.
        PORTAL_SEARCH_LIMIT_PER_MINUTE="0",
        PORTAL_GRAPHQL_LIMIT_PER_MINUTE="0",
        PORTAL_CONCURRENT_REQUESTS_PER_CLIENT="0",
        PYTHONPATH=str(ROOT),
    )
    env.update(servers or {})
    return env


@dataclass
class ChildResult:
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str


def run_measured(
    args: Sequence[str], env: dict[str, str], *, timeout: float, cwd: Path | None = None
) -> ChildResult:
    """Run a child to completion: wall time and its peak RSS (rusage of exactly that child)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(args), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else "")),
        threading.Thread(target=lambda: err.append(proc.stderr.read() if proc.stderr else "")),
    ]
    for t in readers:
        t.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    if proc.returncode not in (0, 1):  # `portal ingest` exits 1 when it quarantined lines
        log(f"{' '.join(args)} exited {proc.returncode}: {''.join(err)[-2000:]}")
    return ChildResult(seconds, usage.ru_maxrss / 1024, proc.returncode, "".join(out))


class Server:
    """A server subprocess on 127.0.0.1; peak RSS from psutil samples while it runs."""

    def __init__(
        self, name: str, args: Sequence[str], env: dict[str, str], port: int, ready_path: str
    ) -> None:
        self.name, self.args, self.env, self.port, self.ready_path = (
            name, list(args), env, port, ready_path,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None
        self.log_path = OUT / f"{name}.log"

    def start(self, timeout: float = 120.0) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        logfile = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.args, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log_path}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"{self.name} did not answer within {timeout}s")
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self) -> None:
        import psutil

        assert self.proc is not None
        try:
            process = psutil.Process(self.proc.pid)
            while not self._stop.wait(0.2):
                rss = process.memory_info().rss
                for child in process.children(recursive=True):
                    rss += child.memory_info().rss
                self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)
        except psutil.Error:
            return

    def stop(self) -> None:
        self._stop.set()
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: the server and its kids
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def portal_server(
    data_dir: Path, servers: dict[str, str] | None = None, *, workers: int = 1
) -> Server:
    port = free_port()
    env = portal_env(data_dir, servers=servers)
    env["PORTAL_BASE_URL"] = f"http://127.0.0.1:{port}"
    # `portal serve`, as installed: uvicorn, one process unless `workers` says otherwise.
    args = [PORTAL, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return Server("portal", args, env, port, "/healthz")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions(servers: bool) -> dict[str, Any]:
    import sqlite3

    info: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "packages": {
            p: _version(p)
            for p in (
                "starlette",
                "uvicorn",
                "h11",
                "httptools",
                "uvloop",
                "strawberry-graphql",
                "sqlalchemy",
                "jinja2",
                "pydantic",
                "elasticsearch",
                "psycopg",
                "feedgen",
                "datasette",
                "sqlite-utils",
                "httpx",
                "psutil",
                "pyinstrument",
                "py-spy",
            )
        },
        "wrk": _command_output(["wrk", "-v"]).splitlines()[0] if shutil.which("wrk") else "",
        "git": _command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]).strip()
        + " (with uncommitted changes)",
    }
    if servers:
        try:
            nodes = httpx.get(
                f"{ES_URL}/_nodes/_local?filter_path=nodes.*.version,nodes.*.jvm.mem", timeout=10
            ).json()
            info["elasticsearch"] = [n["version"] for n in nodes["nodes"].values()]
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            info["elasticsearch"] = f"unknown ({exc})"
        info["postgresql"] = _command_output(
            ["psql", PG_ADMIN_URL, "-Atc", "select version()"]
        ).strip()
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _command_output(args: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    return done.stdout or done.stderr


class Results:
    """The results of one size: one JSON file, rewritten after every section."""

    def __init__(self, size: Size) -> None:
        self.path = size_dir(size) / "results.json"
        self.data: dict[str, Any] = {}
        if self.path.exists():
            self.data = json.loads(self.path.read_text())

    def put(self, section: str, value: Any) -> None:
        self.data[section] = value
        self.path.write_text(json.dumps(self.data, ensure_ascii=False, indent=1))


@contextmanager
def timed(label: str) -> Iterator[None]:
    started = time.perf_counter()
    log(f"{label} ...")
    yield
    log(f"{label}: {time.perf_counter() - started:.1f}s")
