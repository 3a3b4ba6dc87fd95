"""Elasticsearch search at about 1,000,000 documents, without a 1,000,000-enterprise ingest.

`python -m bench.experiments scaled-index --copies 10` (after `bench/run --size medium`, which
leaves `bench/out/medium/documents.ndjson`: the search documents the portal built from the
100,000-enterprise data set). The index is `copies` copies of those documents, each copy under
other USCCs and organisation codes (the first characters replaced by a copy number: not valid
codes, but unique), with the portal's settings and mapping, behind the alias the portal uses for
`PORTAL_INDEX_PREFIX=bench-scaled`. Names, texts and facets repeat per copy, so a query matches
`copies` times as many documents as at 100,000 (more than 1,000,000 distinct enterprises would:
a conservative load for the engine). Then: the medium query set against Elasticsearch directly
(`took`, round trips, load) and through `portal serve` (one process, and `--workers 2`) with an
empty PostgreSQL database, since the search page reads only the index.

A full 1,000,000-enterprise ingest (`bench/run --size large`) takes hours on 2 cores
(RESULTS.md); what this measures is the engine and the portal's search path at that size.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import httpx

from bench.common import ES_URL, PG_ADMIN_URL, SIZES, Results, log, portal_server, size_dir
from bench.ingest import PG_URL
from bench.queries import load
from bench.web import bench_es_direct, bench_search

PREFIX = "bench-scaled"
DATABASE = "credit_portal_scaled"
# Documents per bulk request (2 lines each).
BULK_DOCUMENTS = 1000


def _copies(ndjson: bytes, copies: int) -> Iterator[bytes]:
    """Bulk bodies of every document of `ndjson` (action and source lines), `copies` times."""
    lines = ndjson.splitlines()
    body: list[bytes] = []
    for copy in range(copies):
        for i in range(0, len(lines), 2):
            doc = json.loads(lines[i + 1])
            if copy:
                doc["uscc"] = f"Y{copy}{doc['uscc'][2:]}"
                doc["org_code"] = f"Z{copy}{doc['org_code'][2:]}"
            action = {"index": {"_id": doc["uscc"]}}
            body += [json.dumps(action).encode(), json.dumps(doc, ensure_ascii=False).encode()]
            if len(body) == 2 * BULK_DOCUMENTS:
                yield b"\n".join(body) + b"\n"
                body = []
    if body:
        yield b"\n".join(body) + b"\n"


def build_index(copies: int) -> dict[str, Any]:
    from portal.search.elastic.mapping import index_settings, mappings
    from portal.search.elastic.names import alias_name, index_name, index_pattern

    source = size_dir(SIZES["medium"]) / "documents.ndjson"
    ndjson = source.read_bytes()
    index, alias = index_name(PREFIX), alias_name(PREFIX)
    with httpx.Client(base_url=ES_URL, timeout=600) as client:
        client.delete(f"/{index_pattern(PREFIX)}", params={"expand_wildcards": "all"})
        client.put(
            f"/{index}",
            json={"settings": index_settings(loading=True), "mappings": mappings("standard")},
        ).raise_for_status()
        started = time.perf_counter()
        for body in _copies(ndjson, copies):
            response = client.post(
                f"/{index}/_bulk", content=body, headers={"Content-Type": "application/x-ndjson"}
            )
            response.raise_for_status()
            assert not response.json()["errors"]
        seconds = time.perf_counter() - started
        client.put(
            f"/{index}/_settings", json={"index": {"refresh_interval": None}}
        ).raise_for_status()
        client.post(f"/{index}/_refresh").raise_for_status()
        # One segment per shard, as an index that is no longer written would end up.
        client.post(f"/{index}/_forcemerge", params={"max_num_segments": 1}).raise_for_status()
        client.post(
            "/_aliases", json={"actions": [{"add": {"index": index, "alias": alias}}]}
        ).raise_for_status()
        count = client.get(f"/{alias}/_count").json()["count"]
        stats = client.get(f"/{index}/_stats/store").json()
    size_bytes = stats["indices"][index]["total"]["store"]["size_in_bytes"]
    log(f"scaled index: {count:,} documents in {seconds:.0f} s, {size_bytes / 2**30:.2f} GiB")
    return {"documents": count, "bulk_seconds": seconds, "store_bytes": size_bytes, "index": index}


def scaled_index(copies: int) -> dict[str, Any]:
    medium = SIZES["medium"]
    queries = load(size_dir(medium) / "queries.json")
    out: dict[str, Any] = {"copies": copies, "index": build_index(copies)}
    admin = ["psql", PG_ADMIN_URL, "-qAtc"]
    subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=True)
    subprocess.run([*admin, f"CREATE DATABASE {DATABASE}"], check=True)
    env = {
        "PORTAL_DATABASE_URL": PG_URL.rsplit("/", 1)[0] + f"/{DATABASE}",
        "PORTAL_ELASTICSEARCH_URL": ES_URL,
        "PORTAL_INDEX_PREFIX": PREFIX,
    }
    data = size_dir(medium) / "data-scaled"
    data.mkdir(exist_ok=True)
    try:
        out["es_direct"] = bench_es_direct(medium, queries, f"{PREFIX}-enterprises")
        with portal_server(data, env) as server:
            out["portal"] = bench_search(medium, server, queries)
        with portal_server(data, env, workers=2) as server:
            out["portal_2_workers"] = bench_search(medium, server, queries)
    finally:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=False)
    Results(medium).put("scaled_index", out)
    _print(out)
    return out


def _print(out: dict[str, Any]) -> None:
    es = out["es_direct"]
    print(
        f"{out['index']['documents']:,} documents; took p50 {es['took_p50_ms']} ms, p99 "
        f"{es['took_p99_ms']} ms; round trip p50 {es['round_trip_p50_ms']:.1f} ms"
    )
    for label, key in (("ES directly", "es_direct"), ("portal", "portal")):
        rows = out[key]["load"] if key == "es_direct" else out[key]["search"]
        print(label, json.dumps(rows))
    print("portal --workers 2", json.dumps(out["portal_2_workers"]["search"]))
