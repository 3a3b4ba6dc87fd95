"""Experiments behind the proposals in RESULTS.md "Hotspots" (not part of `bench/run`).

`python -m bench.experiments scaled-index [--copies 10]`: Elasticsearch search at about
1,000,000 documents (bench/scaled.py).

`python -m bench.experiments threads --size small`: the HTML search page at 1, 8 and 32 clients
with Jinja's `auto_reload` (a stat of every template file per render) on and off, and the
worker-thread limit of Starlette's sync views (anyio's default limiter, 40 threads) left
alone and lowered to 4 and 1: does the collapse at 32 clients come from threads fighting for the
GIL? The server is the portal's own `create_app()` under uvicorn, as `portal serve` runs it, with
only the limiter changed in the lifespan.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bench.common import SIZES, Results, Server, free_port, portal_env
from bench.ingest import data_dir
from bench.load import measure
from bench.queries import load
from bench.web import search_requests


def serve(port: int, threads: int, auto_reload: bool) -> None:
    import os

    import uvicorn

    from portal.server import create_app
    from portal.web import templating

    os.environ["PORTAL_WORKER_THREADS"] = str(threads)
    templating.environment.auto_reload = auto_reload
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_config=None)


def threads_experiment(size_name: str) -> dict[str, Any]:
    size = SIZES[size_name]
    queries = load(data_dir(size, "embedded").parent / "queries.json")
    out: dict[str, Any] = {}
    for threads, reload in ((40, "on"), (4, "on"), (1, "on"), (40, "off"), (4, "off")):
        port = free_port()
        args = [sys.executable, "-m", "bench.experiments", "serve", str(port), str(threads), reload]
        env = portal_env(data_dir(size, "embedded"))
        label = f"threads={threads} auto_reload={reload}"
        with Server(f"portal-{threads}-{reload}", args, env, port, "/healthz") as server:
            out[label] = measure(
                f"search {label}", server.url, search_requests(queries),
                size.concurrency, size.load_seconds, size.load_runs,
            )  # fmt: skip
    Results(size).put("experiment_threads", out)
    return out


def search_breakdown(size_name: str) -> dict[str, Any]:
    """In-process: the embedded backend's time per query kind, and where it goes (cProfile)."""
    import cProfile
    import time
    from pathlib import Path

    from bench.ingest import summarise_pstats
    from portal.search import SearchQuery
    from portal.search.sqlite import SqliteSearch

    size = SIZES[size_name]
    queries = load(data_dir(size, "embedded").parent / "queries.json")
    backend = SqliteSearch(data_dir(size, "embedded") / "search.sqlite3")
    by_kind: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for q in queries * 2:  # the first round warms the page cache
        started = time.perf_counter()
        result = backend.search(SearchQuery(text=q.text, limit=20))
        by_kind.setdefault(q.kind, []).append(1000 * (time.perf_counter() - started))
        totals[q.kind] = totals.get(q.kind, 0) + result.total
    profiler = cProfile.Profile()
    profiler.enable()
    for q in queries:
        backend.search(SearchQuery(text=q.text, limit=20))
    profiler.disable()
    path = Path(data_dir(size, "embedded").parent / "search-breakdown.pstats")
    profiler.dump_stats(path)
    backend.close()
    half = len(queries)
    out = {
        "ms_per_query_by_kind": {
            k: round(sum(v[len(v) // 2 :]) / (len(v) - len(v) // 2), 1) for k, v in by_kind.items()
        },
        "mean_hits_by_kind": {k: round(n / (2 * 8)) for k, n in totals.items()},
        "queries": half,
        "top": summarise_pstats(path, 15),
    }
    Results(size).put("search_breakdown", out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("port", type=int)
    s.add_argument("threads", type=int)
    s.add_argument("auto_reload", choices=("on", "off"))
    t = sub.add_parser("threads")
    t.add_argument("--size", default="small", choices=sorted(SIZES))
    b = sub.add_parser("search-breakdown")
    b.add_argument("--size", default="small", choices=sorted(SIZES))
    c = sub.add_parser("scaled-index")
    c.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.port, args.threads, args.auto_reload == "on")
    elif args.command == "threads":
        threads_experiment(args.size)
    elif args.command == "scaled-index":
        from bench.scaled import scaled_index

        scaled_index(args.copies)
    else:
        import json

        print(json.dumps(search_breakdown(args.size), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
