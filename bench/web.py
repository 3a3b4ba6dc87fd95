"""Benchmarks over HTTP against `portal serve` (and Datasette, and Elasticsearch itself): search,
GraphQL, feeds, page weight; plus the in-process check of what a conditional feed request does.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from bench.common import ES_URL, TODAY, Server, Size, free_port, median, size_dir
from bench.load import Request, measure
from bench.queries import Query, credit_file_usccs

PAGE_SIZE = 20

# -- requests -----------------------------------------------------------------------------------


def search_requests(queries: list[Query]) -> list[Request]:
    return [Request("GET", "/search?" + urlencode({"q": q.text})) for q in queries]


WARNING = "warning { colour reason changesOn }"
PROVENANCE = "provenance { sourceSystem sourceRecordId sourceVersion approvedBy publishedOn }"
CREDIT_FILE_QUERY = (
    "query CreditFile($uscc: String!) { enterprise(uscc: $uscc) { uscc orgCode name formerNames "
    "legalRepresentative address district industry scale establishedOn lists colour "
    f"{PROVENANCE} "
    f"licences {{ licenceNo kind scope issuer issuedOn expiresOn {WARNING} {PROVENANCE} }} "
    f"products {{ name category standard {PROVENANCE} }} "
    f"specialEquipment {{ registrationNo kind model nextInspectionDue {WARNING} {PROVENANCE} }} "
    f"measuringInstruments {{ instrumentNo name nextVerificationDue {WARNING} {PROVENANCE} }} "
    f"operators {{ name certificateNo category {WARNING} {PROVENANCE} }} "
    "samplingInspections { productName batch sampledOn result failedItems inspectingBody "
    f"{PROVENANCE} }} "
    "rectificationNotices { noticeNo issuedOn deadline rectifiedOn refused serious "
    f"items {{ seq description rectified }} {PROVENANCE} }} "
    f"enforcementCases {{ caseNo openedOn closedOn violation penalty {PROVENANCE} }} "
    f"complaints {{ channel receivedOn summary outcome substantiated {PROVENANCE} }} "
    f"designations {{ list title reason products startsOn endsOn {PROVENANCE} }} }} }}"
)
SEARCH_QUERY = (
    "query Search($q: String!) { searchEnterprises(query: $q, first: 20) { totalCount exact "
    "backend pageInfo { hasNextPage endCursor } facets { field values { value count } } "
    "edges { node { uscc name district industry lists colour score "
    "highlights { field segments { text match } } } } } }"
)


def graphql_request(query: str, variables: dict[str, str]) -> Request:
    body = json.dumps({"query": query, "variables": variables}, ensure_ascii=False)
    return Request("POST", "/graphql", body=body)


# -- checks before a load run ---------------------------------------------------------------------


def check_all(base_url: str, requests: list[Request]) -> dict[str, int]:
    """Send every request once: the status codes seen (a load run of errors measures nothing)."""
    seen: dict[str, int] = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for r in requests:
            headers = {"content-type": "application/json"} if r.body else {}
            if r.header:
                name, value = r.header.split(":", 1)
                headers[name] = value.strip()
            response = client.request(
                r.method, r.path, content=r.body.encode() or None, headers=headers
            )
            seen[str(response.status_code)] = seen.get(str(response.status_code), 0) + 1
            if r.body and response.status_code == 200 and response.json().get("errors"):
                raise RuntimeError(f"GraphQL error: {response.json()['errors']}")
    return seen


# -- the portal -----------------------------------------------------------------------------------


def bench_portal(size: Size, server: Server, queries: list[Query]) -> dict[str, Any]:
    conc, secs, runs = size.concurrency, size.load_seconds, size.load_runs
    out: dict[str, Any] = {}
    search = search_requests(queries)
    out["search_statuses"] = check_all(server.url, search)
    out["search"] = measure("search", server.url, search, conc, secs, runs)
    # The credit files that answer 200: an enterprise a query was cut from may not be public.
    usccs = [
        u
        for u in credit_file_usccs(queries)
        if httpx.get(f"{server.url}/enterprises/{u}", timeout=30).status_code == 200
    ]
    out["credit_files"] = len(usccs)
    gql_file = [graphql_request(CREDIT_FILE_QUERY, {"uscc": u}) for u in usccs]
    gql_search = [graphql_request(SEARCH_QUERY, {"q": q.text}) for q in queries]
    out["graphql_credit_file_statuses"] = check_all(server.url, gql_file)
    out["graphql_credit_file"] = measure("gql-file", server.url, gql_file, conc, secs, runs)
    out["graphql_search_statuses"] = check_all(server.url, gql_search)
    out["graphql_search"] = measure("gql-search", server.url, gql_search, conc, secs, runs)
    pages = [Request("GET", f"/enterprises/{u}") for u in usccs]
    out["credit_file_page"] = measure("credit-file", server.url, pages, conc, secs, runs)
    out["feeds"] = bench_feeds(server, (1, 8), secs, runs)
    out["page_weight"] = page_weight(server.url, queries, usccs)
    return out


def bench_search(size: Size, server: Server, queries: list[Query]) -> dict[str, Any]:
    """The search page alone (to compare server set-ups)."""
    search = search_requests(queries)
    return {
        "search_statuses": check_all(server.url, search),
        "search": measure(
            "search", server.url, search, size.concurrency, size.load_seconds, size.load_runs
        ),
    }


def bench_feeds(server: Server, conc: tuple[int, ...], secs: int, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("rss",):  # the Atom feed is the same code path
        path = f"/feeds/warnings.{kind}"
        fresh = httpx.get(server.url + path, timeout=30)
        fresh.raise_for_status()
        etag, modified = fresh.headers["etag"], fresh.headers["last-modified"]
        variants = {
            "fresh": Request("GET", path),
            "if_none_match": Request("GET", path, header=f"If-None-Match: {etag}"),
            "if_modified_since": Request("GET", path, header=f"If-Modified-Since: {modified}"),
        }
        for name, request in variants.items():
            status = httpx.get(
                server.url + path,
                headers=dict([request.header.split(": ", 1)]) if request.header else {},
                timeout=30,
            ).status_code
            label = f"feed-{kind}-{name}"
            out[f"{kind}_{name}"] = {
                "status": status,
                **measure(label, server.url, [request], conc, secs, runs),
            }
    return out


def page_weight(base_url: str, queries: list[Query], usccs: list[str]) -> dict[str, Any]:
    two = next(q.text for q in queries if q.kind.startswith("2 chars"))
    pages = {
        "home /": "/",
        f"search /search?q={two}": "/search?" + urlencode({"q": two}),
        f"credit file /enterprises/{usccs[0]}": f"/enterprises/{usccs[0]}",
        "credit file /enterprises/91610302243619932J (鹏盛鑫, the article's)": (
            "/enterprises/91610302243619932J"
        ),
        "feed /feeds/warnings.rss": "/feeds/warnings.rss",
        "stylesheet /static/site.css": "/static/site.css",
    }
    out: dict[str, Any] = {}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for label, path in pages.items():
            raw = client.get(path, headers={"accept-encoding": "identity"})
            zipped = client.get(path, headers={"accept-encoding": "gzip"})
            wire = zipped.num_bytes_downloaded
            out[label] = {
                "status": raw.status_code,
                "raw_bytes": len(raw.content),
                "gzip_bytes_on_wire": wire,
                "content_encoding": zipped.headers.get("content-encoding", "none"),
                "gzip9_bytes": len(gzip.compress(raw.content, 9)),
            }
    return out


# -- feeds: does a conditional request touch the database? ----------------------------------------


def feed_database_check(data_dir: Path, servers: dict[str, str] | None) -> dict[str, Any]:
    """In-process: SQL statements executed for a fresh and for a conditional feed request."""
    import os

    from sqlalchemy import event
    from starlette.testclient import TestClient

    from portal.server import create_app
    from portal.settings import Settings
    from portal.web.views.feeds import FeedCache

    os.environ.setdefault("PORTAL_SECRET_KEY", "bench-not-secret")
    kwargs: dict[str, Any] = {"data_dir": data_dir, "today": TODAY, "log_level": "WARNING"}
    if servers:
        kwargs.update(
            database_url=servers["PORTAL_DATABASE_URL"],
            elasticsearch_url=servers["PORTAL_ELASTICSEARCH_URL"],
            index_prefix=servers["PORTAL_INDEX_PREFIX"],
        )
    statements: list[str] = []
    out: dict[str, Any] = {}
    with TestClient(create_app(Settings(**kwargs))) as client:
        engine = client.app.state.portal.engine  # type: ignore[attr-defined]

        def count(*args: Any) -> None:
            statements.append(str(args[2]).split()[0])

        event.listen(engine, "before_cursor_execute", count)

        def one(headers: dict[str, str]) -> dict[str, Any]:
            statements.clear()
            started = time.perf_counter()
            response = client.get("/feeds/warnings.rss", headers=headers)
            return {
                "status": response.status_code,
                "sql_statements": len(statements),
                "ms": round(1000 * (time.perf_counter() - started), 2),
            }

        fresh = client.get("/feeds/warnings.rss")
        out["fresh"] = one({})
        out["if_none_match"] = one({"if-none-match": fresh.headers["etag"]})
        out["if_modified_since"] = one({"if-modified-since": fresh.headers["last-modified"]})
        # A request that finds nothing built: what each cache miss costs (once per feed and
        # PORTAL_FEED_CACHE_SECONDS).
        client.app.state.feed_cache = FeedCache(0)  # type: ignore[attr-defined]
        out["cache_miss"] = one({})
        event.remove(engine, "before_cursor_execute", count)
    return out


# -- Elasticsearch directly: the same bodies the backend sends -----------------------------------


def es_bodies(queries: list[Query]) -> list[dict[str, Any]]:
    """The search body the backend sends first for each query (see ElasticsearchSearch.search)."""
    from portal.codes import is_org_code, is_uscc, normalise
    from portal.search.elastic import queries as q
    from portal.search.tokens import parse_query

    bodies = []
    for query in queries:
        parsed, code = parse_query(query.text), normalise(query.text)
        if is_uscc(code) or is_org_code(code):
            es_query, sort = q.code_query(code), q.BY_NAME
        else:
            es_query, sort = q.ranked_query(parsed), q.BY_RELEVANCE
        bodies.append(q.search_body(es_query, {}, offset=0, limit=PAGE_SIZE, sort=sort))
    return bodies


def bench_es_direct(size: Size, queries: list[Query], alias: str) -> dict[str, Any]:
    """`took` (the engine's own time) and round trips, one client, every query several times;
    then the same bodies under load at each concurrency."""
    bodies = es_bodies(queries)
    took: list[float] = []
    round_trip: list[float] = []
    with httpx.Client(base_url=ES_URL, timeout=30) as client:
        for _ in range(3):  # warm
            for body in bodies:
                client.post(f"/{alias}/_search", json=body).raise_for_status()
        for _ in range(5):
            for body in bodies:
                started = time.perf_counter()
                response = client.post(f"/{alias}/_search", json=body)
                round_trip.append(1000 * (time.perf_counter() - started))
                response.raise_for_status()
                took.append(float(response.json()["took"]))
    took.sort()
    round_trip.sort()
    requests = [
        Request("POST", f"/{alias}/_search", body=json.dumps(b, ensure_ascii=False)) for b in bodies
    ]
    return {
        "took_p50_ms": median(took),
        "took_p99_ms": took[int(0.99 * (len(took) - 1))],
        "took_mean_ms": sum(took) / len(took),
        "round_trip_p50_ms": median(round_trip),
        "round_trip_p99_ms": round_trip[int(0.99 * (len(round_trip) - 1))],
        "load": measure(
            "es-direct", ES_URL, requests, size.concurrency, size.load_seconds, size.load_runs
        ),
    }


# -- Datasette --------------------------------------------------------------------------------


def datasette_databases(size: Size, search_file: Path) -> dict[str, Path]:
    """Copies of the embedded index's `docs` table (one row per public enterprise, the same
    texts our search covers), as table `enterprises`, with sqlite-utils' FTS5 table over its
    text columns: one copy with the trigram tokenizer, one with unicode61."""
    columns = [
        "name", "former_names", "products", "legal_representative", "address", "texts",
        "uscc", "org_code",
    ]  # fmt: skip
    out: dict[str, Path] = {}
    for tokenizer in ("trigram", "unicode61"):
        path = size_dir(size) / f"datasette_{tokenizer}.db"
        path.unlink(missing_ok=True)
        with sqlite3.connect(path) as conn:
            conn.execute("ATTACH DATABASE ? AS src", (f"file:{search_file}?mode=ro",))
            conn.execute(
                "CREATE TABLE enterprises AS SELECT uscc, org_code, name, former_names, address, "
                "legal_representative, district, industry, colour, products, texts, lists "
                "FROM src.docs ORDER BY id"
            )
            conn.commit()
            conn.execute("DETACH DATABASE src")
        sqlite_utils = shutil.which("sqlite-utils") or "sqlite-utils"
        subprocess.run(
            [sqlite_utils, "enable-fts", str(path), "enterprises", *columns, "--fts5",
             "--tokenize", tokenizer],
            check=True,
        )  # fmt: skip
        out[tokenizer] = path
    return out


def datasette_server(databases: dict[str, Path]) -> Server:
    port = free_port()
    datasette = shutil.which("datasette") or "datasette"
    args = [datasette, "serve", "-h", "127.0.0.1", "-p", str(port)]
    for path in databases.values():
        args += ["-i", str(path)]  # immutable: how Datasette publishes read-only data
    return Server("datasette", args, {"PATH": "/usr/bin:/bin:" + str(Path(sys.executable).parent)},
                  port, "/-/versions.json")  # fmt: skip


def datasette_requests(queries: list[Query], db: str) -> list[Request]:
    return [
        Request("GET", f"/{db}/enterprises.json?_search={quote(q.text)}&_size={PAGE_SIZE}")
        for q in queries
    ]


def findability(
    portal_url: str, datasette_url: str, queries: list[Query], dbs: list[str]
) -> list[dict[str, Any]]:
    """Per query: our total (GraphQL) and Datasette's for each tokenizer."""
    rows = []
    with httpx.Client(timeout=60) as client:
        for q in queries:
            response = client.post(
                portal_url + "/graphql",
                json={"query": "query($q:String!){searchEnterprises(query:$q){totalCount}}",
                      "variables": {"q": q.text}},
            )  # fmt: skip
            row: dict[str, Any] = {
                "kind": q.kind,
                "query": q.text,
                "portal": response.json()["data"]["searchEnterprises"]["totalCount"],
            }
            for db in dbs:
                path = f"/{db}/enterprises.json?_search={quote(q.text)}&_size=1"
                body = client.get(datasette_url + path).json()
                row[db] = body.get("filtered_table_rows_count", body.get("error"))
            rows.append(row)
    return rows


def bench_datasette(
    size: Size, search_file: Path, queries: list[Query], portal_url: str
) -> dict[str, Any]:
    databases = datasette_databases(size, search_file)
    names = [f"datasette_{t}" for t in databases]
    with datasette_server(databases) as server:
        versions = httpx.get(server.url + "/-/versions.json", timeout=10).json()
        found = findability(portal_url, server.url, queries, names)
        requests = datasette_requests(queries, "datasette_trigram")
        statuses = check_all(server.url, requests)
        load = measure(
            "datasette", server.url, requests, size.concurrency, size.load_seconds, size.load_runs
        )
        sample = httpx.get(server.url + requests[0].path, timeout=30).json()
    return {
        "versions": versions,
        "statuses": statuses,
        "findability": found,
        "response_keys": sorted(sample),
        "load": load,
        "peak_rss_mb": server.peak_rss_mb,
    }
