"""What only the Elasticsearch backend has: the alias and its concrete indexes, rebuilds that move
the alias, schema versions, and turning client errors into the portal's. The first tests use the
cluster of PORTAL_TEST_ELASTICSEARCH_URL (see conftest.py); those after them need none."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import BadRequestError, Elasticsearch

from portal.errors import BadRequest, ConfigurationError, SearchUnavailable
from portal.search import open_backend
from portal.search.base import SearchDocument, SearchQuery
from portal.search.elastic import SCHEMA_VERSION, ElasticsearchSearch
from portal.search.elastic.names import alias_name, index_name, index_pattern
from portal.settings import Settings
from tests.search.conftest import RUN_PREFIX, index_names
from tests.search.corpus import NAMED, TITANIUM, TRADER, doc

Make = Callable[[], ElasticsearchSearch]


def alias_targets(admin: Elasticsearch, backend: ElasticsearchSearch) -> list[str]:
    return sorted(admin.indices.get_alias(name=backend.alias).body)


def all_indexes(admin: Elasticsearch, backend: ElasticsearchSearch) -> list[str]:
    return index_names(admin, index_pattern(backend.prefix))


# -- with a cluster --------------------------------------------------------------------------------


def test_first_use_makes_the_alias_on_an_empty_index(
    make_elastic: Make, elastic_admin: Elasticsearch, elasticsearch_url: str
) -> None:
    backend = make_elastic()
    assert backend.ping()
    assert backend.count() == 0
    first = index_name(backend.prefix, "0")
    assert alias_targets(elastic_admin, backend) == [first] == all_indexes(elastic_admin, backend)
    settings = elastic_admin.indices.get_settings(index=first)[first]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("1", "0")
    mapping = elastic_admin.indices.get_mapping(index=first)[first]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"] == {"schema_version": SCHEMA_VERSION, "analyzer": "standard"}
    # A second backend on the same prefix (another process) uses the same alias.
    again = ElasticsearchSearch(elasticsearch_url, backend.prefix)
    assert again.upsert([TRADER]) == 1
    assert backend.count() == 1
    again.close()


def test_rebuild_moves_the_alias_and_deletes_the_old_index(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    backend.upsert(NAMED)
    (old,) = alias_targets(elastic_admin, backend)
    # Left over by a rebuild that crashed: deleted by the next one that succeeds.
    stray = index_name(backend.prefix, "20200101000000000000")
    elastic_admin.indices.create(index=stray)
    assert backend.rebuild(iter([TITANIUM, TRADER])) == 2
    (new,) = alias_targets(elastic_admin, backend)
    assert new != old and new.startswith(f"{alias_name(backend.prefix)}-v{SCHEMA_VERSION}-")
    assert all_indexes(elastic_admin, backend) == [new]
    settings = elastic_admin.indices.get_settings(index=new, flat_settings=True)[new]["settings"]
    assert "index.refresh_interval" not in settings  # back to the default after loading
    assert backend.count() == 2


def test_failed_rebuild_leaves_the_alias_and_no_half_built_index(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    backend.upsert(NAMED)
    before = all_indexes(elastic_admin, backend)
    pulled = 0

    def failing() -> Iterator[SearchDocument]:
        nonlocal pulled
        for i in range(1700):
            pulled += 1
            yield doc(1000 + i, f"新企业{i}")
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        backend.rebuild(failing())
    assert pulled == 1700
    assert alias_targets(elastic_admin, backend) == before
    assert all_indexes(elastic_admin, backend) == before
    assert backend.count() == len(NAMED)
    assert backend.search(SearchQuery("新企业")).total == 0


def test_a_document_the_cluster_refuses_fails_the_write(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    backend.upsert(NAMED)
    before = all_indexes(elastic_admin, backend)
    refused = doc(500, "名" * 12_000)  # a keyword term longer than Lucene's 32 766 bytes
    with pytest.raises(SearchUnavailable, match="写入失败"):
        backend.upsert([TRADER, refused])
    with pytest.raises(SearchUnavailable, match="写入失败"):
        backend.rebuild([TRADER, refused])
    assert all_indexes(elastic_admin, backend) == alias_targets(elastic_admin, backend) == before
    assert backend.count() == len(NAMED)


def test_an_index_of_an_older_schema_version_is_replaced_by_an_empty_one(
    make_elastic: Make, elastic_admin: Elasticsearch, caplog: pytest.LogCaptureFixture
) -> None:
    backend = make_elastic()
    old = index_name(backend.prefix, "1", version=SCHEMA_VERSION - 1)
    elastic_admin.indices.create(index=old, aliases={backend.alias: {}})
    elastic_admin.index(index=old, id="x", document={"anything": "else"}, refresh=True)
    with caplog.at_level(logging.WARNING):
        assert backend.count() == 0
    assert "search.schema_mismatch" in caplog.text
    assert alias_targets(elastic_admin, backend) == [index_name(backend.prefix, "0")]
    assert backend.rebuild([TRADER]) == 1
    assert all_indexes(elastic_admin, backend) == alias_targets(elastic_admin, backend)


def test_an_index_of_a_newer_schema_version_is_left_alone(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    newer = index_name(backend.prefix, "1", version=SCHEMA_VERSION + 1)
    elastic_admin.indices.create(index=newer, aliases={backend.alias: {}})
    with pytest.raises(SearchUnavailable, match="请升级"):
        backend.search(SearchQuery("钛"))
    assert all_indexes(elastic_admin, backend) == [newer]


def test_writes_never_create_an_index_in_place_of_a_lost_alias(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    backend.upsert([TRADER])
    elastic_admin.indices.delete(index=",".join(all_indexes(elastic_admin, backend)))
    with pytest.raises(SearchUnavailable):
        backend.upsert([TITANIUM])
    assert index_names(elastic_admin, f"{backend.prefix}-*") == []
    assert backend.upsert([TITANIUM]) == 1  # set up again on the next use
    assert backend.count() == 1


def test_two_indexes_behind_the_alias_keep_the_newest(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    older, newer = (index_name(backend.prefix, stamp) for stamp in ("5", "6"))
    for name in (older, newer):
        backend._indexes.create(name, alias=True)
    elastic_admin.index(index=newer, id=TRADER.uscc, document={"name": "x"}, refresh=True)
    assert backend.count() == 1
    assert alias_targets(elastic_admin, backend) == [newer]


def test_a_foreign_index_under_the_alias_name_is_left_alone(
    make_elastic: Make, elastic_admin: Elasticsearch
) -> None:
    backend = make_elastic()
    elastic_admin.indices.create(index=backend.alias)
    with pytest.raises(SearchUnavailable, match="不是本门户"):
        backend.count()
    assert index_names(elastic_admin, backend.alias) == [backend.alias]
    elastic_admin.indices.delete(index=backend.alias)


def test_an_unknown_analyzer_is_a_configuration_error(
    elasticsearch_url: str, elastic_admin: Elasticsearch
) -> None:
    backend = ElasticsearchSearch(elasticsearch_url, f"{RUN_PREFIX}-analyzer", "no_such")
    with pytest.raises(ConfigurationError, match="no_such"):
        backend.count()
    assert index_names(elastic_admin, index_pattern(backend.prefix)) == []
    backend.close()


# -- without a cluster -------------------------------------------------------------------------


def test_open_backend_picks_elasticsearch_when_a_url_is_set() -> None:
    settings = Settings(
        elasticsearch_url="http://127.0.0.1:1",
        index_prefix="my-portal",
        elasticsearch_analyzer="ik_max_word",
    )
    backend = open_backend(settings)
    assert isinstance(backend, ElasticsearchSearch)
    assert (backend.name, backend.alias, backend.analyzer) == (
        "elasticsearch",
        "my-portal-enterprises",
        "ik_max_word",
    )
    backend.close()


@pytest.mark.parametrize("prefix", ["Upper", "-dash", "a b", "a*", "", "x/y"])
def test_a_bad_prefix_is_a_configuration_error(prefix: str) -> None:
    with pytest.raises(ConfigurationError, match="PORTAL_INDEX_PREFIX"):
        ElasticsearchSearch("http://127.0.0.1:1", prefix)


def test_a_bad_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="PORTAL_ELASTICSEARCH_URL"):
        ElasticsearchSearch("not a url", "p")


def test_an_unreachable_cluster_is_unavailable() -> None:
    backend = ElasticsearchSearch("http://127.0.0.1:1", "credit-portal-test-down")
    assert not backend.ping()
    calls: list[Callable[[], Any]] = [
        lambda: backend.search(SearchQuery("钛")),
        backend.count,
        lambda: backend.upsert([TRADER]),
        lambda: backend.delete([TRADER.uscc]),
        lambda: backend.rebuild([TRADER]),
    ]
    for call in calls:
        with pytest.raises(SearchUnavailable):
            call()
    backend._ready = True  # as if the cluster went down after the alias was checked
    for call in calls:
        with pytest.raises(SearchUnavailable):
            call()
    backend.close()


def test_a_search_the_cluster_refuses_is_a_bad_request(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = ElasticsearchSearch("http://127.0.0.1:1", "credit-portal-test-refused")
    backend._ready = True
    meta = ApiResponseMeta(400, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "127.0.0.1", 1))

    def refuse(**kwargs: Any) -> None:
        raise BadRequestError("search_phase_execution_exception", meta, {"error": "too many"})

    monkeypatch.setattr(backend._client, "search", refuse)
    with pytest.raises(BadRequest):
        backend.search(SearchQuery("钛"))
    backend.close()
