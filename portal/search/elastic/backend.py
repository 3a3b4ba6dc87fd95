"""The Elasticsearch search backend: the same answers as the embedded search, from a cluster.

Everything goes through the alias `{prefix}-enterprises` (see `names`). On first use the alias is
made if missing (on an empty index) and checked: an index of an older SCHEMA_VERSION is replaced,
with a warning, by an empty one of this version until the next rebuild, as the embedded search
does (see `indexes`). Writes stream from the caller's iterable through `helpers.streaming_bulk`
and refresh at the end, so a sync is visible as soon as it returns. A rebuild loads a new index
(no refreshes while it loads), then moves the alias in one `update_aliases` call and deletes the
indexes the alias left; a failure deletes the new index and leaves the alias where it was.

Every client or transport error becomes SearchUnavailable; a search the cluster refuses as
malformed (HTTP 400) becomes BadRequest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from portal.chunks import chunked
from portal.codes import is_org_code, is_uscc, normalise
from portal.errors import BadRequest, ConfigurationError, SearchUnavailable
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
from portal.search.elastic import queries
from portal.search.elastic.indexes import IndexAdmin
from portal.search.elastic.mapping import document_source
from portal.search.elastic.names import alias_name, check_prefix, index_name
from portal.search.highlight import document_highlights
from portal.search.tokens import ParsedQuery, parse_query

log = get_logger(__name__)

# Seconds to wait for a search or an admin call, and for one bulk request of CHUNK documents.
TIMEOUT = 10.0
BULK_TIMEOUT = 120.0
# Retries of a bulk request the cluster turns away as too busy (HTTP 429).
BULK_RETRIES = 3


class ElasticsearchSearch:
    """SearchBackend over an Elasticsearch 9 cluster at `url`."""

    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "credit-portal", analyzer: str = "standard") -> None:
        self.prefix = check_prefix(prefix)
        self.alias = alias_name(prefix)
        self.analyzer = analyzer
        try:
            self._client = Elasticsearch(url, request_timeout=TIMEOUT, max_retries=1)
        except ValueError as exc:
            raise ConfigurationError(f"PORTAL_ELASTICSEARCH_URL 无效:{exc}") from exc
        self._indexes = IndexAdmin(self._client, self.prefix, analyzer)
        self._lock = threading.Lock()
        self._rebuild_lock = threading.Lock()
        self._ready = False
        self._closed = False

    # -- errors and set-up ----------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str, *, query: bool = False) -> Iterator[None]:
        """Engine failures -> SearchUnavailable (a refused search -> BadRequest)."""
        if self._closed:
            raise SearchUnavailable("检索索引已关闭")
        try:
            yield
        except BadRequestError as exc:
            if query:
                log.warning("search.bad_query", error=str(exc))
                raise BadRequest("检索词无法解析,请换一种写法") from exc
            log.error("search.engine_error", action=action, error=str(exc))
            raise SearchUnavailable(f"检索服务拒绝了请求:{exc.message}") from exc
        except NotFoundError as exc:
            self._ready = False  # the alias or its index went away: set it up again next time
            log.error("search.index_missing", action=action, alias=self.alias, error=str(exc))
            raise SearchUnavailable(f"检索索引 {self.alias} 不存在") from exc
        except (ApiError, TransportError) as exc:
            log.error("search.engine_error", action=action, error=repr(exc))
            raise SearchUnavailable(f"检索服务暂不可用({type(exc).__name__})") from exc

    def _ensure_alias(self) -> None:
        """Make or repair the alias once per backend (and again after it went missing)."""
        if self._ready:
            return
        with self._lock, self._errors("open"):
            if not self._ready:
                self._indexes.settle()
                self._ready = True

    def ping(self) -> bool:
        """Whether the cluster answers and is not red (`GET /` may be missing: use health)."""
        if self._closed:
            return False
        try:
            health = self._client.options(request_timeout=5).cluster.health()
        except (ApiError, TransportError) as exc:
            log.warning("search.ping_failed", error=repr(exc))
            return False
        return bool(health.get("status") in ("green", "yellow"))

    # -- writing -------------------------------------------------------------------------------

    def _index_actions(self, documents: Iterable[SearchDocument], index: str) -> Iterator[Any]:
        """Bulk actions, pulled from `documents` CHUNK at a time; a USCC repeated within a chunk
        is written once, with its last document (as the embedded search does)."""
        for chunk in chunked(documents, CHUNK):
            latest = {doc.uscc: doc for doc in chunk}
            for uscc, doc in latest.items():
                yield {"_index": index, "_id": uscc, "_source": document_source(doc)}

    def _bulk(self, actions: Iterable[Any], *, through_alias: bool) -> int:
        """Run bulk actions streaming; returns how many succeeded. Deleting a missing document is
        not a failure (just not counted); any other failed action stops the stream (the chunk it
        was in is written), as a failed chunk stops the embedded search. Through the alias,
        `require_alias` keeps a write from making an index named like the alias if it is gone."""
        client = self._client.options(request_timeout=BULK_TIMEOUT)
        done = 0
        for ok, item in streaming_bulk(
            client,
            actions,
            chunk_size=CHUNK,
            max_retries=BULK_RETRIES,
            raise_on_error=False,
            require_alias=through_alias,
        ):
            result = next(iter(item.values()))
            if ok:
                done += 1
            elif result.get("status") != 404 or "error" in result:
                error = result.get("error")
                if isinstance(error, dict) and error.get("type") == "index_not_found_exception":
                    self._ready = False
                log.error("search.bulk_failed", written=done, failed=result)
                raise SearchUnavailable(f"检索索引写入失败(已写入 {done} 条)")
        return done

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        self._ensure_alias()
        with self._errors("upsert"):
            written = self._bulk(self._index_actions(documents, self.alias), through_alias=True)
            if written:
                self._client.indices.refresh(index=self.alias)
        return written

    def delete(self, usccs: Iterable[str]) -> int:
        self._ensure_alias()
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": u} for u in usccs)
        with self._errors("delete"):
            deleted = self._bulk(actions, through_alias=True)
            if deleted:
                self._client.indices.refresh(index=self.alias)
        return deleted

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Load a new index from `documents`, then move the alias to it in one step."""
        with self._rebuild_lock:
            self._ensure_alias()
            new = index_name(self.prefix)
            with self._errors("rebuild"):
                old = self._indexes.targets()
                self._indexes.create(new, loading=True)
            log.info("search.rebuild_index", index=new, replaces=sorted(old))
            try:
                with self._errors("rebuild"):
                    self._bulk(self._index_actions(documents, new), through_alias=False)
                    self._client.indices.put_settings(
                        index=new, settings={"index": {"refresh_interval": None}}
                    )
                    self._client.indices.refresh(index=new)
                    count: int = self._client.count(index=new)["count"]
                    actions = self._indexes.swap_actions(old, new)
                    self._client.indices.update_aliases(actions=actions)
            except BaseException:
                log.warning("search.rebuild_failed", index=new, action="kept old index")
                try:
                    self._indexes.delete(new)
                except Exception:
                    log.exception("search.rebuild_cleanup_failed", index=new)
                raise
            self._indexes.delete_unused(keep=new)
        return count

    def count(self) -> int:
        self._ensure_alias()
        with self._errors("count"):
            result: int = self._client.count(index=self.alias)["count"]
        return result

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._client.close()

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        filters = checked_filters(query)
        parsed = parse_query(query.text)
        code = normalise(query.text)
        self._ensure_alias()
        if parsed.terms and (is_uscc(code) or is_org_code(code)):
            exact = self._run(queries.code_query(code), filters, query, exact=True)
            if exact.total:
                return exact
        if not parsed.terms:
            return self._run(queries.match_all(), filters, query)
        return self._run(queries.ranked_query(parsed), filters, query, parsed=parsed)

    def _run(
        self,
        es_query: dict[str, Any],
        filters: dict[str, str],
        query: SearchQuery,
        *,
        parsed: ParsedQuery | None = None,
        exact: bool = False,
    ) -> SearchResult:
        sort = queries.BY_RELEVANCE if parsed else queries.BY_NAME
        body = queries.search_body(
            es_query, filters, offset=query.offset, limit=query.limit, sort=sort
        )
        with self._errors("search", query=True):
            response = self._client.search(index=self.alias, body=body)
        total: int = response["hits"]["total"]["value"]
        if queries.window_exceeded(query.offset, query.limit, total):
            raise BadRequest("结果太多,翻不到这么靠后的页:请加上筛选条件或换更具体的检索词")
        aggregations = response["aggregations"]
        return SearchResult(
            total=total,
            hits=tuple(self._hit(hit, parsed) for hit in response["hits"]["hits"]),
            facets={
                field: tuple(
                    FacetValue(bucket["key"], bucket["doc_count"])
                    for bucket in aggregations[field]["values"]["buckets"]
                )
                for field in FACET_FIELDS
            },
            exact=exact,
            backend=self.name,
        )

    @staticmethod
    def _hit(hit: dict[str, Any], parsed: ParsedQuery | None) -> SearchHit:
        source = hit["_source"]
        score = 0.0
        highlights: tuple[Highlight, ...] = ()
        if parsed is not None:
            score = queries.relevance(hit["sort"][0], source["name"], parsed.text)
            highlights = document_highlights(
                parsed.highlight_terms,
                name=source["name"],
                former_names=source["former_names"],
                products=source["products"],
                address=source["address"],
                legal_representative=source["legal_representative"],
                texts=source["texts"],
            )
        return SearchHit(
            uscc=source["uscc"],
            name=source["name"],
            district=source["district"],
            industry=source["industry"],
            lists=tuple(source["lists"]),
            colour=source["colour"],
            score=score,
            highlights=highlights,
        )
