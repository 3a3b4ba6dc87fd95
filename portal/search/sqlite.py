"""The embedded search backend: SQLite FTS5 over pre-tokenised text (see `tokens`).

One file holds three tables: `docs` (one row per enterprise: the facet fields and the original
texts for highlighting), `doc_lists` (the multi-valued list facet) and `docs_fts` (FTS5, rowid =
docs.id) with a unigram and a bigram column per searchable field, tokenised by `unicode61` over
the space-separated tokens `tokens.analyse_field` produces.

Rebuilding fills `*_new` tables chunk by chunk, then one transaction drops the old tables and
renames the new ones: readers see the old index or the new one, never a mix, and a failure drops
the half-built tables and leaves the old index alone. A change of `SCHEMA_VERSION` empties the
index (with a warning): it must then be rebuilt.

Writes go through one connection guarded by a lock (SQLite has one writer at a time anyway);
documents are pulled from the caller's iterable outside the lock. Searches run on read
connections of their own, one per search in progress, taken from a pool that grows to the
number of searches run at once (the server's worker threads) and keeps them open: in WAL mode
they read concurrently, with each other and with a write, each in a transaction that sees one
snapshot for its count, page and facets. Before, every search waited for the one before it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.chunks import chunked
from portal.codes import is_org_code, is_uscc, normalise
from portal.errors import BadRequest, SearchUnavailable
from portal.logs import get_logger
from portal.search.base import (
    CHUNK,
    FACET_FIELDS,
    FacetValue,
    Highlight,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    checked_filters,
)
from portal.search.highlight import document_highlights
from portal.search.tokens import ParsedQuery, RunKind, analyse_field, parse_query

log = get_logger(__name__)

SCHEMA_VERSION = 1
# Each connection's scratch table of a search's matches (writer and readers alike).
MATCHES_TABLE = (
    "CREATE TEMP TABLE IF NOT EXISTS search_matches (id INTEGER PRIMARY KEY, rank REAL NOT NULL)"
)

# Searchable fields with their bm25 weights: name (and former names) far above products, above
# the legal representative, above record texts and address.
FIELD_WEIGHTS = {"name": 20.0, "products": 6.0, "person": 3.0, "texts": 1.0, "address": 1.0}
CODES_WEIGHT = 10.0
UNI_COLUMNS = tuple(f"{f}_uni" for f in FIELD_WEIGHTS)
BI_COLUMNS = tuple(f"{f}_bi" for f in FIELD_WEIGHTS)
FTS_COLUMNS = (*(c for f in FIELD_WEIGHTS for c in (f"{f}_uni", f"{f}_bi")), "codes")
_WEIGHTS = ", ".join(
    [str(w) for w in FIELD_WEIGHTS.values() for _ in range(2)] + [str(CODES_WEIGHT)]
)
DOC_COLUMNS = (
    "uscc", "org_code", "name", "former_names", "address", "legal_representative",
    "district", "industry", "colour", "products", "texts", "lists",
)  # fmt: skip
# Facet field -> docs column (the list facet lives in doc_lists).
_FACET_COLUMNS = {"district": "district", "industry": "industry", "colour": "colour"}
_SUFFIX_NEW = "_new"


def _quote(text: str) -> str:
    """An FTS5 string: whatever it holds is searched as text, never read as syntax."""
    return '"' + text.replace('"', '""') + '"'


def match_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query: every part must match (AND)."""
    clauses = []
    for part in parsed.parts:
        if part.kind is RunKind.WORD:
            columns, phrase = (*UNI_COLUMNS, "codes"), _quote(part.text)
            if part.prefix:
                phrase += " *"
        elif len(part.text) == 1:
            columns, phrase = UNI_COLUMNS, _quote(part.text)
        else:
            columns, phrase = BI_COLUMNS, _quote(" ".join(part.bigrams))
        clauses.append(f"{{{' '.join(columns)}}} : {phrase}")
    return " AND ".join(clauses)


def _create_tables(conn: sqlite3.Connection, suffix: str = "") -> None:
    conn.execute(
        f"""CREATE TABLE docs{suffix} (
            id INTEGER PRIMARY KEY, uscc TEXT NOT NULL UNIQUE, org_code TEXT NOT NULL,
            name TEXT NOT NULL, former_names TEXT NOT NULL, address TEXT NOT NULL,
            legal_representative TEXT NOT NULL, district TEXT NOT NULL, industry TEXT NOT NULL,
            colour TEXT, products TEXT NOT NULL, texts TEXT NOT NULL, lists TEXT NOT NULL)"""
    )
    conn.execute(
        f"""CREATE TABLE doc_lists{suffix} (
            doc_id INTEGER NOT NULL, list TEXT NOT NULL, PRIMARY KEY (doc_id, list)
        ) WITHOUT ROWID"""
    )
    conn.execute(
        f"CREATE VIRTUAL TABLE docs_fts{suffix} USING fts5("
        f"{', '.join(FTS_COLUMNS)}, tokenize='unicode61 remove_diacritics 2')"
    )


def _create_indexes(conn: sqlite3.Connection) -> None:
    """Secondary indexes, made under their final names once the tables have them."""
    for column in ("org_code", "name", "district", "industry", "colour"):
        conn.execute(f"CREATE INDEX IF NOT EXISTS docs_{column} ON docs ({column})")
    conn.execute("CREATE INDEX IF NOT EXISTS doc_lists_list ON doc_lists (list, doc_id)")


def _drop_tables(conn: sqlite3.Connection, suffix: str = "") -> None:
    for table in ("docs_fts", "doc_lists", "docs"):
        conn.execute(f"DROP TABLE IF EXISTS {table}{suffix}")


def _doc_row(doc: SearchDocument) -> tuple[Any, ...]:
    def dump(values: Iterable[str]) -> str:
        return json.dumps(list(values), ensure_ascii=False)

    return (
        doc.uscc, doc.org_code, doc.name, dump(doc.former_names), doc.address,
        doc.legal_representative, doc.district, doc.industry, doc.colour,
        dump(doc.products), dump(doc.texts), dump(dict.fromkeys(doc.lists)),
    )  # fmt: skip


def _fts_row(doc_id: int, doc: SearchDocument) -> tuple[Any, ...]:
    fields = {
        "name": analyse_field(doc.name, *doc.former_names),
        "products": analyse_field(*doc.products),
        "person": analyse_field(doc.legal_representative),
        "texts": analyse_field(*doc.texts),
        "address": analyse_field(doc.address),
    }
    values = [v for f in FIELD_WEIGHTS for v in (fields[f].unigrams, fields[f].bigrams)]
    codes = analyse_field(normalise(doc.uscc), normalise(doc.org_code)).unigrams
    return (doc_id, *values, codes)


def _write_chunk(conn: sqlite3.Connection, documents: list[SearchDocument], suffix: str) -> int:
    """Add or replace `documents` (by USCC) in the tables named with `suffix`."""
    latest = {doc.uscc: doc for doc in documents}  # a USCC twice in a chunk: the last one wins
    updates = ", ".join(f"{c} = excluded.{c}" for c in DOC_COLUMNS[1:])
    conn.executemany(
        f"INSERT INTO docs{suffix} ({', '.join(DOC_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(DOC_COLUMNS))}) "
        f"ON CONFLICT (uscc) DO UPDATE SET {updates}",
        (_doc_row(doc) for doc in latest.values()),
    )
    marks = ", ".join("?" * len(latest))
    ids = dict(
        conn.execute(f"SELECT uscc, id FROM docs{suffix} WHERE uscc IN ({marks})", list(latest))
    )
    old = [(i,) for i in ids.values()]
    conn.executemany(f"DELETE FROM docs_fts{suffix} WHERE rowid = ?", old)
    conn.executemany(f"DELETE FROM doc_lists{suffix} WHERE doc_id = ?", old)
    conn.executemany(
        f"INSERT INTO docs_fts{suffix} (rowid, {', '.join(FTS_COLUMNS)}) "
        f"VALUES (?, {', '.join('?' * len(FTS_COLUMNS))})",
        (_fts_row(ids[uscc], doc) for uscc, doc in latest.items()),
    )
    conn.executemany(
        f"INSERT INTO doc_lists{suffix} (doc_id, list) VALUES (?, ?)",
        ((ids[uscc], name) for uscc, doc in latest.items() for name in set(doc.lists)),
    )
    return len(latest)


def _filter_sql(filters: dict[str, str], skip: str | None = None) -> tuple[str, list[str]]:
    sql, params = ["1"], []
    for field, value in filters.items():
        if field == skip:
            continue
        if field == "list":
            sql.append("EXISTS (SELECT 1 FROM doc_lists f WHERE f.doc_id = d.id AND f.list = ?)")
        else:
            sql.append(f"d.{_FACET_COLUMNS[field]} = ?")
        params.append(value)
    return " AND ".join(sql), params


@dataclass(frozen=True)
class _Scope:
    """The documents a query matches, as SQL over `docs d` before the filters, and their order.

    `source` is the FROM clause. For a full-text query it starts from the matches and joins
    `docs` with CROSS JOIN, which SQLite never reorders: the temp table has no statistics, and
    with a plain JOIN the planner scanned every document and probed the matches for each one,
    in the count and in every facet (about 50 ms a query at 100,000 enterprises, whatever the
    number of hits; bench/RESULTS.md "Hotspots")."""

    source: str = "docs d"
    where: str = "1"
    params: tuple[Any, ...] = ()
    order: str = "d.name, d.uscc"
    order_params: tuple[Any, ...] = ()
    parsed: ParsedQuery | None = None  # a full-text query: rank by `m.rank`, highlight
    exact: bool = False


class SqliteSearch:
    """SearchBackend over one SQLite file (created with its schema if missing)."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._rebuild_lock = threading.Lock()
        # Read connections not in use, and whether close() has run (guarded by _pool_lock).
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._readers_in_use = 0
        self._closed = False
        try:
            self._conn: sqlite3.Connection | None = self._open()
        except sqlite3.Error as exc:
            log.exception("search.open_failed", path=str(self.path))
            raise SearchUnavailable(f"无法打开检索索引 {self.path}:{exc}") from exc

    # -- connection -------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA journal_size_limit=67108864")  # trim the WAL after a rebuild
            with self._transaction(conn, immediate=True):
                self._ensure_schema(conn)
            conn.execute(MATCHES_TABLE)
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_reader(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute(MATCHES_TABLE)
        except BaseException:
            conn.close()
            raise
        return conn

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        ).fetchall()
        tables = {name for name, _ in rows}
        if version == SCHEMA_VERSION and {"docs", "doc_lists", "docs_fts"} <= tables:
            return
        if tables and version == 0:  # we always set a version: this is someone else's file
            raise SearchUnavailable(f"{self.path} 不是检索索引文件,拒绝改写")
        if tables:
            log.warning(
                "search.schema_mismatch", path=str(self.path), found=version,
                expected=SCHEMA_VERSION, action="starting empty; rebuild the index",
            )  # fmt: skip
            virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
            for name in virtual + sorted(tables - set(virtual)):
                conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        _create_tables(conn)
        _create_indexes(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    @contextmanager
    def _transaction(conn: sqlite3.Connection, immediate: bool = False) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        conn.commit()

    @contextmanager
    def _connection(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection inside a transaction: the writer, locked, for `write`; otherwise a read
        connection of the caller's own. Engine failures -> SearchUnavailable."""
        with self._engine_errors():
            if write:
                with self._lock:
                    if self._conn is None:
                        raise SearchUnavailable("检索索引已关闭")
                    with self._transaction(self._conn, immediate=True):
                        yield self._conn
            else:
                with self._reader() as conn, self._transaction(conn):
                    yield conn

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A read connection from the pool (a new one when all are in use), given back after."""
        with self._pool_lock:
            if self._closed:
                raise SearchUnavailable("检索索引已关闭")
            conn = self._idle.pop() if self._idle else None
            self._readers_in_use += 1
        try:
            if conn is None:
                conn = self._open_reader()
            yield conn
        finally:
            with self._pool_lock:
                self._readers_in_use -= 1
                if conn is not None and (self._closed or conn.in_transaction):
                    conn.close()  # closed meanwhile, or left in an unknown state
                elif conn is not None:
                    self._idle.append(conn)

    @property
    def readers_in_use(self) -> int:
        """Searches reading at this moment, each on its own connection."""
        return self._readers_in_use

    @staticmethod
    @contextmanager
    def _engine_errors() -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            if "fts5" in str(exc):  # a query the analysis should have made safe
                log.warning("search.bad_expression", error=str(exc))
                raise BadRequest("检索词无法解析,请换一种写法") from exc
            log.exception("search.engine_error")
            raise SearchUnavailable(f"检索索引出错:{exc}") from exc

    # -- writing -------------------------------------------------------------------------------

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents, one transaction per chunk of CHUNK documents."""
        written = 0
        for chunk in chunked(documents, CHUNK):
            with self._connection(write=True) as conn:
                written += _write_chunk(conn, chunk, "")
        return written

    def delete(self, usccs: Iterable[str]) -> int:
        deleted = 0
        for chunk in chunked(dict.fromkeys(usccs), CHUNK):
            with self._connection(write=True) as conn:
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT id FROM docs WHERE uscc IN ({marks})"
                ids = conn.execute(sql, chunk).fetchall()
                conn.executemany("DELETE FROM docs_fts WHERE rowid = ?", ids)
                conn.executemany("DELETE FROM doc_lists WHERE doc_id = ?", ids)
                conn.executemany("DELETE FROM docs WHERE id = ?", ids)
                deleted += len(ids)
        return deleted

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Build new tables from `documents`, then swap them in one transaction."""
        with self._rebuild_lock:
            with self._connection(write=True) as conn:
                _drop_tables(conn, _SUFFIX_NEW)  # left over by a crashed rebuild
                _create_tables(conn, _SUFFIX_NEW)
            try:
                for chunk in chunked(documents, CHUNK):
                    with self._connection(write=True) as conn:
                        _write_chunk(conn, chunk, _SUFFIX_NEW)
                with self._connection(write=True) as conn:
                    conn.execute("INSERT INTO docs_fts_new (docs_fts_new) VALUES ('optimize')")
                    _drop_tables(conn)
                    for table in ("docs", "doc_lists", "docs_fts"):
                        conn.execute(f"ALTER TABLE {table}{_SUFFIX_NEW} RENAME TO {table}")
                    _create_indexes(conn)
                    count: int = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            except BaseException:
                log.warning("search.rebuild_failed", path=str(self.path), action="kept old index")
                try:
                    with self._connection(write=True) as conn:
                        _drop_tables(conn, _SUFFIX_NEW)
                except Exception:
                    log.exception("search.rebuild_cleanup_failed", path=str(self.path))
                raise
        return count

    def count(self) -> int:
        with self._connection() as conn:
            result: int = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            return result

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        filters = checked_filters(query)
        parsed = parse_query(query.text)
        code = normalise(query.text)
        with self._connection() as conn:
            if parsed.terms and (is_uscc(code) or is_org_code(code)):
                column = "uscc" if len(code) == 18 else "org_code"
                exact = _Scope(where=f"d.{column} = ?", params=(code,), exact=True)
                result = self._run(conn, exact, filters, query)
                if result.total:
                    return result
            if not parsed.terms:
                return self._run(conn, _Scope(), filters, query)
            conn.execute("DELETE FROM temp.search_matches")
            conn.execute(
                "INSERT INTO temp.search_matches (id, rank) "
                f"SELECT rowid, bm25(docs_fts, {_WEIGHTS}) FROM docs_fts WHERE docs_fts MATCH ?",
                [match_expression(parsed)],
            )
            # Exact name first, then names starting with the query, then by bm25.
            matches = _Scope(
                source="temp.search_matches m CROSS JOIN docs d ON d.id = m.id",
                order="CASE WHEN d.name = ? THEN 0 WHEN substr(d.name, 1, length(?)) = ? THEN 1 "
                "ELSE 2 END, m.rank, d.name, d.uscc",
                order_params=(parsed.text,) * 3,
                parsed=parsed,
            )
            return self._run(conn, matches, filters, query)

    def _run(
        self, conn: sqlite3.Connection, scope: _Scope, filters: dict[str, str], query: SearchQuery
    ) -> SearchResult:
        where, params = _filter_sql(filters)
        base = f"FROM {scope.source} WHERE ({scope.where}) AND {where}"
        base_params = [*scope.params, *params]
        total = conn.execute(f"SELECT count(*) {base}", base_params).fetchone()[0]
        score = "-m.rank" if scope.parsed else "0.0"
        rows = conn.execute(
            f"SELECT d.*, {score} {base} ORDER BY {scope.order} LIMIT ? OFFSET ?",
            [*base_params, *scope.order_params, query.limit, query.offset],
        ).fetchall()
        return SearchResult(
            total=total,
            hits=tuple(self._hit(row, scope.parsed) for row in rows),
            facets={f: self._facet(conn, scope, filters, f) for f in FACET_FIELDS},
            exact=scope.exact,
            backend=self.name,
        )

    @staticmethod
    def _facet(
        conn: sqlite3.Connection, scope: _Scope, filters: dict[str, str], field: str
    ) -> tuple[FacetValue, ...]:
        """Counts of `field` over the matches with every filter but the field's own applied."""
        where, params = _filter_sql(filters, skip=field)
        if field == "list":
            # After the matches (CROSS JOIN keeps that order); over all documents the planner
            # does best from the list index.
            cross = "CROSS " if scope.parsed else ""
            value, join = "l.list", f"{cross}JOIN doc_lists l ON l.doc_id = d.id"
        else:
            value, join = f"d.{_FACET_COLUMNS[field]}", ""
        rows = conn.execute(
            f"SELECT {value}, count(*) AS n FROM {scope.source} {join} "
            f"WHERE ({scope.where}) AND {where} AND coalesce({value}, '') != '' "
            f"GROUP BY {value} ORDER BY n DESC, {value}",
            [*scope.params, *params],
        ).fetchall()
        return tuple(FacetValue(v, n) for v, n in rows)

    @staticmethod
    def _hit(row: tuple[Any, ...], parsed: ParsedQuery | None) -> SearchHit:
        (_, uscc, _, name, former, address, person, district, industry, colour, products, texts,
         lists, score) = row  # fmt: skip
        highlights: tuple[Highlight, ...] = ()
        if parsed is not None:
            highlights = document_highlights(
                parsed.highlight_terms,
                name=name,
                former_names=json.loads(former),
                products=json.loads(products),
                address=address,
                legal_representative=person,
                texts=json.loads(texts),
            )
        lists = tuple(json.loads(lists))
        return SearchHit(uscc, name, district, industry, lists, colour, float(score), highlights)
