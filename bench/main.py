"""The whole benchmark set of one size: `bench/run --size small|medium|large`.

Sections (all by default; `--only` picks some, reusing what earlier runs left in bench/out/):
generator, ingest (embedded), web (portal over HTTP, embedded), datasette, servers (PostgreSQL +
Elasticsearch: ingest, raw `_bulk`, portal over HTTP, Elasticsearch directly), profile.
Results: bench/out/SIZE/results.json, and the tables in bench/out/SIZE/report.md.
"""

from __future__ import annotations

import argparse
import subprocess

import httpx

from bench import ingest, profiling, report, web
from bench.common import (
    ES_URL,
    PG_ADMIN_URL,
    PG_DATABASE,
    SIZES,
    Results,
    loadavg,
    log,
    portal_server,
    size_dir,
    timed,
    versions,
    wait_quiet,
)
from bench.queries import build, load, save
from bench.web import SEARCH_QUERY, graphql_request, search_requests

SECTIONS = ("generator", "ingest", "web", "datasette", "servers", "profile")


def servers_up() -> bool:
    try:
        httpx.get(f"{ES_URL}/_cluster/health", timeout=5).raise_for_status()
    except httpx.HTTPError:
        log(f"Elasticsearch does not answer at {ES_URL}: start it with scripts/elasticsearch")
        return False
    done = subprocess.run(["psql", PG_ADMIN_URL, "-Atc", "select 1"], capture_output=True)
    if done.returncode != 0:
        log(f"PostgreSQL does not answer at {PG_ADMIN_URL}: start it with scripts/postgres")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--skip", default="", help="comma-separated sections to leave out")
    parser.add_argument(
        "--wait-quiet", type=float, default=0, help="seconds to wait for load average < 1.0"
    )
    args = parser.parse_args()
    size = SIZES[args.size]
    sections = [s for s in args.only.split(",") if s and s not in args.skip.split(",")]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {sorted(unknown)}")
    results = Results(size)
    use_servers = "servers" in sections and servers_up()
    results.put("machine", versions(servers=use_servers))
    results.put("load_at_start", wait_quiet(args.wait_quiet) if args.wait_quiet else loadavg())
    out = size_dir(size)
    embedded = ingest.data_dir(size, "embedded")
    queries_file = out / "queries.json"

    if "generator" in sections:
        with timed("generator"):
            results.put("generator", ingest.bench_generator(size))
    if "ingest" in sections:
        with timed("ingest (embedded)"):
            results.put("ingest_embedded", ingest.bench_ingest(size, "embedded"))
    if not queries_file.exists() or "ingest" in sections:
        save(build(f"sqlite:///{embedded / 'portal.sqlite3'}"), queries_file)
    queries = load(queries_file)

    if {"web", "datasette", "profile"} & set(sections):
        with portal_server(embedded) as server:
            if "web" in sections:
                with timed("portal over HTTP (embedded)"):
                    results.put("web_embedded", web.bench_portal(size, server, queries))
                    results.put("web_embedded_server_peak_rss_mb", server.peak_rss_mb)
                results.put("feed_check_embedded", web.feed_database_check(embedded, None))
            if "datasette" in sections:
                with timed("datasette"):
                    results.put(
                        "datasette",
                        web.bench_datasette(size, embedded / "search.sqlite3", queries, server.url),
                    )
            if "profile" in sections:
                with timed("profiles (embedded)"):
                    gql = [graphql_request(SEARCH_QUERY, {"q": q.text}) for q in queries]
                    results.put(
                        "profile_embedded",
                        {
                            "search": profiling.record(
                                server, search_requests(queries), "search-embedded", out
                            ),
                            "graphql_search": profiling.record(
                                server, gql, "graphql-search-embedded", out
                            ),
                        },
                    )
        if "profile" in sections:
            with timed("ingest profile (embedded)"):
                results.put("profile_ingest_embedded", ingest.profile_ingest(size, "embedded"))

    if "web" in sections:
        # The same search load on `portal serve --workers 2`: one process per core.
        with portal_server(embedded, workers=2) as server, timed("search, 2 workers (embedded)"):
            results.put("web_embedded_2_workers", web.bench_search(size, server, queries))
    if use_servers:
        bench_servers(size, results, sections)
    report.write(size)
    log(f"done: {results.path}, {out / 'report.md'}")


def bench_servers(size: ingest.Size, results: Results, sections: list[str]) -> None:
    env = ingest.servers_env(size)
    data = ingest.data_dir(size, "servers")
    try:
        with timed("ingest (PostgreSQL + Elasticsearch)"):
            results.put("ingest_servers", ingest.bench_ingest(size, "servers"))
        with timed("raw _bulk"):
            results.put("raw_bulk", ingest.bench_raw_bulk(size, runs=max(3, size.ingest_runs)))
        queries = load(size_dir(size) / "queries.json")
        with portal_server(data, env) as server:
            with timed("portal over HTTP (PostgreSQL + Elasticsearch)"):
                results.put("web_servers", web.bench_portal(size, server, queries))
                results.put("web_servers_server_peak_rss_mb", server.peak_rss_mb)
            with timed("Elasticsearch directly"):
                alias = f"{env['PORTAL_INDEX_PREFIX']}-enterprises"
                results.put("es_direct", web.bench_es_direct(size, queries, alias))
            results.put("feed_check_servers", web.feed_database_check(data, env))
        two = portal_server(data, env, workers=2)
        with two as server, timed("search, 2 workers (PostgreSQL + Elasticsearch)"):
            results.put("web_servers_2_workers", web.bench_search(size, server, queries))
        if "profile" in sections:
            with portal_server(data, env) as server, timed("profiles (servers)"):
                results.put(
                    "profile_servers",
                    {
                        "search": profiling.record(
                            server, search_requests(queries), "search-servers", size_dir(size)
                        )
                    },
                )
            with timed("ingest profile (servers)"):
                results.put("profile_ingest_servers", ingest.profile_ingest(size, "servers"))
    finally:
        ingest.delete_indexes(f"bench-{size.name}")
        subprocess.run(
            ["psql", PG_ADMIN_URL, "-qAtc", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"],
            check=False,
        )


if __name__ == "__main__":
    main()
