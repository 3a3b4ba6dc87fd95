"""Sample-data generator and ingest benchmarks.

- generator: `portal sample-data` as a child process at two sizes: enterprises/s and peak RSS
  (flat memory: the peak must not grow with the number of enterprises);
- ingest: what `portal ingest` does (`portal.pipeline.ingest`: load, rules, index), in a child
  worker process (`python -m bench.ingest worker ...`) so that the batch size can be set;
  records/s per phase, peak RSS per phase (psutil samples) and overall (rusage), at two batch
  sizes, on a fresh database each time; for the embedded default and for PostgreSQL + Elasticsearch;
- raw `_bulk`: the same search documents (built from the same database, serialised beforehand),
  POSTed in chunks of the portal's CHUNK into a new index with the portal's settings and mapping:
  the limit of what Elasticsearch takes on this machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    ES_URL,
    PG_ADMIN_URL,
    PG_DATABASE,
    PORTAL,
    SEED,
    TODAY,
    Size,
    loadavg,
    log,
    median,
    portal_env,
    run_measured,
    size_dir,
)

PG_URL = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
PG_URL += f"/{PG_DATABASE}"


def servers_env(size: Size) -> dict[str, str]:
    return {
        "PORTAL_DATABASE_URL": PG_URL,
        "PORTAL_ELASTICSEARCH_URL": ES_URL,
        "PORTAL_INDEX_PREFIX": f"bench-{size.name}",
    }


# -- sample data ------------------------------------------------------------------------------


def sample_dir(size: Size, enterprises: int | None = None) -> Path:
    return size_dir(size) / f"sample-{enterprises or size.enterprises}"


def bench_generator(size: Size) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in size.generator_sizes:
        target = sample_dir(size, n)
        shutil.rmtree(target, ignore_errors=True)
        load = loadavg()
        env = portal_env(size_dir(size) / "unused")
        done = run_measured(
            [PORTAL, "sample-data", str(target), "--enterprises", str(n), "--seed", str(SEED)],
            env,
            timeout=4 * 3600,
        )
        assert done.returncode == 0, done
        files = list(target.glob("*.jsonl"))
        lines = sum(sum(1 for _ in f.open("rb")) for f in files)
        out[str(n)] = {
            "enterprises": n,
            "records": lines,
            "bytes": sum(f.stat().st_size for f in files),
            "seconds": done.seconds,
            "enterprises_per_s": n / done.seconds,
            "records_per_s": lines / done.seconds,
            "max_rss_mb": done.max_rss_mb,
            "load_before": load,
        }
        log(f"sample-data {n}: {done.seconds:.1f}s, {done.max_rss_mb:.0f} MB, load {load}")
        if n != size.enterprises:
            shutil.rmtree(target)
    return out


# -- the ingest worker (a child process) ---------------------------------------------------------


class _Peaks:
    """Peak RSS of this process per phase, sampled every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.phase = "open"
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            rss = self.process.memory_info().rss / 2**20
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), rss)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {k: round(v, 1) for k, v in self.peaks.items()}


def worker(sample: Path, batch_size: int, profile: Path | None) -> None:
    from portal import pipeline
    from portal.context import PortalContext
    from portal.settings import get_settings

    peaks = _Peaks()
    times: dict[str, float] = {}
    started = time.perf_counter()
    context = PortalContext.open(get_settings())
    times["open"] = time.perf_counter() - started

    @contextmanager
    def phase(name: str, total: int | None) -> Iterator[Callable[[int], None]]:
        # `portal ingest`'s own pipeline, timed and sampled per step (load, rules, index).
        peaks.phase = name
        begun = time.perf_counter()
        yield lambda n: None
        times[name] = time.perf_counter() - begun

    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    try:
        done = pipeline.ingest(context, [sample], batch_size=batch_size, phase=phase)
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)  # type: ignore[arg-type]
        context.close()
    summary, synced = done.summary, done.synced
    result = {
        "read": summary.read,
        "loaded": summary.loaded,
        "quarantined": summary.quarantined,
        "upserted": synced.upserted,
        "deleted": synced.deleted,
        "pending": synced.pending,
        "seconds": times,
        "peak_rss_mb": peaks.stop(),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


# -- the parent's side --------------------------------------------------------------------------


def reset_servers(size: Size) -> None:
    admin = ["psql", PG_ADMIN_URL, "-qAtc"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {PG_DATABASE}"], check=True)
    delete_indexes(f"bench-{size.name}")


def delete_indexes(prefix: str) -> None:
    assert prefix.startswith("bench-")
    httpx.delete(f"{ES_URL}/{prefix}-*", params={"expand_wildcards": "all"}, timeout=60)


def data_dir(size: Size, backend: str) -> Path:
    return size_dir(size) / f"data-{backend}"


def run_ingest(
    size: Size, backend: str, batch_size: int, *, profile: Path | None = None
) -> dict[str, Any]:
    """One ingest from scratch (fresh data dir; fresh database and indexes for the servers)."""
    data = data_dir(size, backend)
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    servers = servers_env(size) if backend == "servers" else None
    if servers:
        reset_servers(size)
    env = portal_env(data, servers=servers)
    args = [sys.executable, "-m", "bench.ingest", "worker", str(sample_dir(size))]
    args += ["--batch-size", str(batch_size)]
    if profile:
        args += ["--profile", str(profile)]
    load = loadavg()
    done = run_measured(args, env, timeout=6 * 3600, cwd=Path(__file__).parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"ingest worker failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(batch_size=batch_size, wall_seconds=done.seconds, max_rss_mb=done.max_rss_mb)
    result["load_before"] = load
    work = sum(result["seconds"][phase] for phase in ("load", "rules", "index"))
    result["records_per_s"] = result["read"] / work
    result["load_records_per_s"] = result["read"] / result["seconds"]["load"]
    result["index_docs_per_s"] = result["upserted"] / max(result["seconds"]["index"], 1e-9)
    log(
        f"ingest {backend} batch {batch_size}: {result['read']} records, load "
        f"{result['seconds']['load']:.1f}s + rules {result['seconds']['rules']:.1f}s + index "
        f"{result['seconds']['index']:.1f}s = "
        f"{result['records_per_s']:.0f} records/s, peak {done.max_rss_mb:.0f} MB, load {load}"
    )
    return result


def bench_ingest(size: Size, backend: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # The default batch size last, so that the data left for the HTTP benchmarks is its.
    for batch_size in sorted(size.ingest_batch_sizes, reverse=True):
        runs = [run_ingest(size, backend, batch_size) for _ in range(size.ingest_runs)]
        out[str(batch_size)] = {
            "records": runs[0]["read"],
            "documents": runs[0]["upserted"],
            "records_per_s": median([r["records_per_s"] for r in runs]),
            "load_records_per_s": median([r["load_records_per_s"] for r in runs]),
            "index_docs_per_s": median([r["index_docs_per_s"] for r in runs]),
            "load_seconds": median([r["seconds"]["load"] for r in runs]),
            "rules_seconds": median([r["seconds"]["rules"] for r in runs]),
            "index_seconds": median([r["seconds"]["index"] for r in runs]),
            "max_rss_mb": median([r["max_rss_mb"] for r in runs]),
            "peak_rss_mb": runs[-1]["peak_rss_mb"],
            "runs": runs,
        }
    return out


def profile_ingest(size: Size, backend: str, batch_size: int = 1000) -> dict[str, Any]:
    """One ingest under cProfile (not timed): the functions that take the time."""
    path = size_dir(size) / f"ingest-{backend}.pstats"
    run_ingest(size, backend, batch_size, profile=path)
    return {"pstats": str(path), "top": summarise_pstats(path)}


def summarise_pstats(path: Path, limit: int = 25) -> list[dict[str, Any]]:
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}({func})",
                "calls": calls,
                "self_s": round(tottime, 3),
                "cum_s": round(cumtime, 3),
                "self_pct": round(100 * tottime / total, 1),
                "cum_pct": round(100 * cumtime / total, 1),
            }
        )
    rows.sort(key=lambda r: r["self_s"], reverse=True)
    return rows[:limit]


# -- raw _bulk ----------------------------------------------------------------------------------


def export_documents(size: Size, target: Path) -> int:
    """The search documents of the servers' database, as `_bulk` NDJSON (not timed)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from portal.search.documents import build_documents
    from portal.search.elastic.mapping import document_source

    engine = create_engine(PG_URL)
    count = 0
    today = __import__("datetime").date.fromisoformat(TODAY)
    try:
        with Session(engine) as session, target.open("w", encoding="utf-8") as out:
            for doc in build_documents(session, today):
                action = {"index": {"_id": doc.uscc}}
                out.write(json.dumps(action) + "\n")
                out.write(json.dumps(document_source(doc), ensure_ascii=False) + "\n")
                count += 1
    finally:
        engine.dispose()
    return count


def bench_raw_bulk(size: Size, runs: int) -> dict[str, Any]:
    from portal.search.base import CHUNK
    from portal.search.elastic.mapping import index_settings, mappings

    ndjson = size_dir(size) / "documents.ndjson"
    count = export_documents(size, ndjson)
    lines = ndjson.read_bytes().splitlines(keepends=True)
    chunks = [b"".join(lines[i : i + 2 * CHUNK]) for i in range(0, len(lines), 2 * CHUNK)]
    index = f"bench-{size.name}-raw"
    samples: list[dict[str, Any]] = []
    with httpx.Client(base_url=ES_URL, timeout=300) as client:
        for _ in range(runs):
            client.delete(f"/{index}")
            client.put(
                f"/{index}",
                json={"settings": index_settings(), "mappings": mappings("standard")},
            ).raise_for_status()
            load = loadavg()
            started = time.perf_counter()
            for chunk in chunks:
                response = client.post(
                    f"/{index}/_bulk",
                    content=chunk,
                    headers={"Content-Type": "application/x-ndjson"},
                )
                response.raise_for_status()
                assert not response.json()["errors"]
            client.post(f"/{index}/_refresh").raise_for_status()
            seconds = time.perf_counter() - started
            samples.append({"seconds": seconds, "docs_per_s": count / seconds, "load_before": load})
            log(f"raw _bulk: {count} documents in {seconds:.1f}s, load {load}")
        client.delete(f"/{index}")
    return {
        "documents": count,
        "bytes": ndjson.stat().st_size,
        "chunk_documents": CHUNK,
        "seconds": median([s["seconds"] for s in samples]),
        "docs_per_s": median([s["docs_per_s"] for s in samples]),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker", help="(internal) one ingest in this process; prints JSON")
    w.add_argument("sample", type=Path)
    w.add_argument("--batch-size", type=int, default=1000)
    w.add_argument("--profile", type=Path)
    args = parser.parse_args()
    if args.command == "worker":
        os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")
        worker(args.sample, args.batch_size, args.profile)


if __name__ == "__main__":
    main()
