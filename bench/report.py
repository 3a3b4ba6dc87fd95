"""bench/out/SIZE/results.json -> bench/out/SIZE/report.md: the tables RESULTS.md quotes.

`python -m bench.report SIZE` rewrites the report from the JSON alone.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.common import SIZES, Size, size_dir


def _f(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _load_table(title: str, data: dict[str, Any], concurrency: list[str]) -> list[str]:
    lines = [
        f"| {title} | "
        + " | ".join(f"{c} clients: req/s · p50 · p99 (ms)" for c in concurrency)
        + " |"
    ]
    lines.append("| --- |" + " --- |" * len(concurrency))
    return lines


def _load_row(label: str, data: dict[str, Any] | None, concurrency: list[str]) -> str:
    if not data:
        return f"| {label} |" + " not measured |" * len(concurrency)
    cells = []
    for c in concurrency:
        row = data.get(c)
        if row is None:
            cells.append("–")
            continue
        err = f" ({row['errors']} errors)" if row["errors"] else ""
        cells.append(f"{_f(row['rps'])} · {_f(row['p50_ms'], 1)} · {_f(row['p99_ms'], 1)}{err}")
    return f"| {label} | " + " | ".join(cells) + " |"


def render(size: Size, r: dict[str, Any]) -> str:
    out: list[str] = [f"# Benchmark report: {size.name} ({size.enterprises:,} enterprises)", ""]
    m = r.get("machine", {})
    out += [
        f"- date {m.get('date')}, load average at start {r.get('load_at_start')}",
        f"- {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gib')} GiB; {m.get('platform')}",
        f"- Python {m.get('python')}, SQLite {m.get('sqlite')}, {m.get('wrk')}",
        f"- Elasticsearch {m.get('elasticsearch', '–')}; PostgreSQL {m.get('postgresql', '–')}",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in m.get("packages", {}).items()),
        f"- git {m.get('git')}",
        "",
    ]
    if gen := r.get("generator"):
        out += ["## Sample-data generator", "",
                "| enterprises | records | MB written | seconds | enterprises/s | records/s "
                "| peak RSS MB | load |",
                "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for g in gen.values():
            out.append(
                f"| {g['enterprises']:,} | {g['records']:,} | {_f(g['bytes'] / 1e6, 1)} | "
                f"{_f(g['seconds'], 1)} | {_f(g['enterprises_per_s'])} | {_f(g['records_per_s'])} "
                f"| {_f(g['max_rss_mb'])} | {g['load_before']} |"
            )
        out.append("")
    raw = r.get("raw_bulk")
    for backend in ("embedded", "servers"):
        ing = r.get(f"ingest_{backend}")
        if not ing:
            continue
        out += [f"## Ingest ({backend})", "",
                "| batch size | records | search docs | load s | rules s | index s "
                "| records/s (all three) | load records/s | index docs/s "
                "| peak RSS MB (load / rules / index / overall) | runs |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for b, row in ing.items():
            p = row["peak_rss_mb"]
            out.append(
                f"| {int(b):,} | {row['records']:,} | {row['documents']:,} | "
                f"{_f(row['load_seconds'], 1)} | {_f(row.get('rules_seconds'), 1)} | "
                f"{_f(row['index_seconds'], 1)} | {_f(row['records_per_s'])} | "
                f"{_f(row['load_records_per_s'])} | {_f(row['index_docs_per_s'])} | "
                f"{_f(p.get('load'))} / {_f(p.get('rules'))} / {_f(p.get('index'))} / "
                f"{_f(row['max_rss_mb'])} | {len(row['runs'])} |"
            )
        out.append("")
        if backend == "servers" and raw:
            default = ing.get("1000") or next(iter(ing.values()))
            portal_s = default["load_seconds"] + default.get("rules_seconds", 0.0)
            portal_s += default["index_seconds"]
            out += [
                f"Raw `_bulk` of the same {raw['documents']:,} documents "
                f"({_f(raw['bytes'] / 1e6, 1)} MB NDJSON, {raw['chunk_documents']} per request): "
                f"{_f(raw['seconds'], 2)} s = {_f(raw['docs_per_s'])} docs/s "
                f"(median of {len(raw['samples'])}).",
                f"Portal ingest into PostgreSQL + Elasticsearch of the data set that makes them: "
                f"{_f(portal_s, 1)} s; of which the Elasticsearch sync "
                f"{_f(default['index_seconds'], 1)} s. "
                f"Whole pipeline at **{_f(100 * raw['seconds'] / portal_s, 1)} %** of raw `_bulk`; "
                f"the sync phase alone (SQL → documents → `_bulk`) at "
                f"**{_f(100 * raw['seconds'] / default['index_seconds'], 1)} %**.",
                "",
            ]
    conc = [str(c) for c in size.concurrency]
    we, ws = r.get("web_embedded", {}), r.get("web_servers", {})
    ds = r.get("datasette", {})
    es = r.get("es_direct", {})
    if we or ws or ds:
        out += ["## Search over HTTP (64 queries, cycled)", ""]
        out += _load_table("", {}, conc)
        out.append(_load_row("portal `/search` (HTML), embedded", we.get("search"), conc))
        out.append(
            _load_row("Datasette `enterprises.json?_search=` (trigram FTS5)", ds.get("load"), conc)
        )
        out.append(
            _load_row("portal `/search` (HTML), PostgreSQL + Elasticsearch", ws.get("search"), conc)
        )
        out.append(_load_row("Elasticsearch `_search` directly, same bodies", es.get("load"), conc))
        for label, key in (
            ("embedded", "web_embedded_2_workers"),
            ("PostgreSQL + Elasticsearch", "web_servers_2_workers"),
        ):
            if two := r.get(key, {}).get("search"):
                out.append(_load_row(f"portal `/search`, {label}, `--workers 2`", two, conc))
        out.append("")
        if we.get("search") and ds.get("load"):
            ratios = [we["search"][c]["rps"] / ds["load"][c]["rps"] for c in conc]
            out.append(
                "Embedded ÷ Datasette req/s: "
                + ", ".join(f"{c} clients {x:.2f}×" for c, x in zip(conc, ratios, strict=True))
            )
        if es:
            out.append(
                f"Elasticsearch `took` (one client, 5 rounds of the 64 bodies): p50 "
                f"{_f(es['took_p50_ms'], 1)} ms, p99 {_f(es['took_p99_ms'], 1)} ms, mean "
                f"{_f(es['took_mean_ms'], 2)} ms; HTTP round trip to Elasticsearch p50 "
                f"{_f(es['round_trip_p50_ms'], 1)} ms."
            )
            if ws.get("search"):
                p50 = ws["search"]["1"]["p50_ms"]
                out.append(
                    f"Portal search p50 at 1 client {_f(p50, 1)} ms = "
                    f"{p50 / max(es['took_p50_ms'], 0.5):.1f}× `took` p50 (max(took, 0.5 ms))."
                )
        out.append("")
    if we or ws:
        out += ["## GraphQL and pages", ""]
        out += _load_table("", {}, conc)
        for label, data in (("embedded", we), ("PostgreSQL + Elasticsearch", ws)):
            if not data:
                continue
            out.append(
                _load_row(f"GraphQL credit file, {label}", data.get("graphql_credit_file"), conc)
            )
            out.append(_load_row(f"GraphQL search, {label}", data.get("graphql_search"), conc))
            out.append(
                _load_row(f"credit-file page (HTML), {label}", data.get("credit_file_page"), conc)
            )
        out.append("")
        out += ["## Feeds", ""]
        out += _load_table("", {}, ["1", "8"])
        for label, data in (("embedded", we), ("PostgreSQL + Elasticsearch", ws)):
            for name, f in data.get("feeds", {}).items():
                out.append(_load_row(f"{name} → {f['status']}, {label}", f, ["1", "8"]))
        out.append("")
        for key in ("feed_check_embedded", "feed_check_servers"):
            if check := r.get(key):
                out.append(
                    f"SQL statements per feed request ({key[11:]}): "
                    + ", ".join(
                        f"{k} → {v['status']}: {v['sql_statements']} statements, {v['ms']} ms"
                        for k, v in check.items()
                    )
                )
        out.append("")
        if pw := (we or ws).get("page_weight"):
            out += ["## Page weight", "",
                    "| page | status | raw bytes | gzip bytes on the wire | gzip -9 |",
                    "| --- | --- | --- | --- | --- |"]  # fmt: skip
            for label, p in pw.items():
                out.append(
                    f"| {label} | {p['status']} | {p['raw_bytes']:,} | "
                    f"{p['gzip_bytes_on_wire']:,} ({p['content_encoding']}) | "
                    f"{p['gzip9_bytes']:,} |"
                )
            out.append("")
        for key in ("web_embedded_server_peak_rss_mb", "web_servers_server_peak_rss_mb"):
            if key in r:
                out.append(
                    f"Peak RSS of `portal serve` during the HTTP runs ({key[4:-19]}): "
                    f"{_f(r[key])} MB"
                )
        if ds:
            out.append(f"Peak RSS of Datasette: {_f(ds.get('peak_rss_mb'))} MB")
        out.append("")
    if ds.get("findability"):
        out += ["## What Datasette's FTS finds (totals per query)", "",
                "| kind | query | portal | Datasette trigram | Datasette unicode61 |",
                "| --- | --- | --- | --- | --- |"]  # fmt: skip
        for f in ds["findability"]:
            out.append(
                f"| {f['kind']} | {f['query']} | {f['portal']} | {f.get('datasette_trigram')} | "
                f"{f.get('datasette_unicode61')} |"
            )
        out.append("")
    if exp := r.get("experiment_threads"):
        out += ["## Experiment: worker threads of the sync views (HTML search)", ""]
        out += _load_table("", {}, conc)
        for threads, data in exp.items():
            out.append(_load_row(threads, data, conc))
        out.append("")
    for key, value in r.items():
        if key.startswith("profile"):
            out += [
                f"## {key}",
                "",
                "```",
                json.dumps(value, ensure_ascii=False, indent=1)[:6000],
                "```",
                "",
            ]
    return "\n".join(out)


def write(size: Size) -> None:
    directory = size_dir(size)
    results = json.loads((directory / "results.json").read_text())
    (directory / "report.md").write_text(render(size, results), encoding="utf-8")


if __name__ == "__main__":
    write(SIZES[sys.argv[1] if len(sys.argv) > 1 else "small"])
