"""Elasticsearch for the search tests: a real cluster named by PORTAL_TEST_ELASTICSEARCH_URL
(`export PORTAL_TEST_ELASTICSEARCH_URL=$(scripts/elasticsearch)`).

Without it, or when nothing answers there, the Elasticsearch tests are skipped loudly (the reason
starts with "ELASTICSEARCH TESTS SKIPPED" and is repeated at the end of the run); with
PORTAL_REQUIRE_SERVICES set they fail instead. Every index a run makes starts with
`credit-portal-test-<8 hex digits>-`; each backend's indexes are deleted after its test (or module),
and whatever is left of the run's at the end of the session.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest
from elasticsearch import Elasticsearch

from portal.search.elastic import ElasticsearchSearch
from portal.search.elastic.names import index_pattern

URL_VARIABLE = "PORTAL_TEST_ELASTICSEARCH_URL"
REQUIRE_VARIABLE = "PORTAL_REQUIRE_SERVICES"
RUN_PREFIX = f"credit-portal-test-{uuid.uuid4().hex[:8]}"
_skipped: list[str] = []


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_VARIABLE):
        pytest.fail(
            f"ELASTICSEARCH REQUIRED ({REQUIRE_VARIABLE} is set) but {reason}", pytrace=False
        )
    message = f"ELASTICSEARCH TESTS SKIPPED: {reason}"
    if not _skipped:
        _skipped.append(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        _unavailable(
            f"{URL_VARIABLE} is not set; run `export {URL_VARIABLE}=$(scripts/elasticsearch)` "
            "to test the Elasticsearch backend"
        )
    probe = ElasticsearchSearch(url, f"{RUN_PREFIX}-probe")
    try:
        if not probe.ping():
            _unavailable(f"nothing healthy answers at {URL_VARIABLE}={url}")
    finally:
        probe.close()
    return url


@pytest.fixture(scope="session")
def elastic_admin(elasticsearch_url: str) -> Iterator[Elasticsearch]:
    """A plain client, to look at indexes; deletes what is left of this run's at the end."""
    client = Elasticsearch(elasticsearch_url, request_timeout=30)
    yield client
    delete_indexes(client, f"{RUN_PREFIX}-*")
    client.close()


def index_names(client: Elasticsearch, pattern: str) -> list[str]:
    found = client.indices.get(index=pattern, expand_wildcards="all", features=["aliases"])
    return sorted(found.body)


def delete_indexes(client: Elasticsearch, pattern: str) -> None:
    """Delete by name (clusters refuse wildcard deletes unless told otherwise)."""
    names = index_names(client, pattern)
    if names:
        client.indices.delete(index=",".join(names), ignore_unavailable=True)


_numbers = itertools.count(1)


@contextmanager
def _elastic(url: str, admin: Elasticsearch) -> Iterator[ElasticsearchSearch]:
    backend = ElasticsearchSearch(url, f"{RUN_PREFIX}-{next(_numbers)}")
    try:
        yield backend
    finally:
        backend.close()
        delete_indexes(admin, index_pattern(backend.prefix))


@pytest.fixture
def make_elastic(
    elasticsearch_url: str, elastic_admin: Elasticsearch
) -> Iterator[Callable[[], ElasticsearchSearch]]:
    """Opens empty Elasticsearch backends, each on its own prefix, dropped after the test."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(_elastic(elasticsearch_url, elastic_admin))


@pytest.fixture(scope="module")
def module_elastic(
    elasticsearch_url: str, elastic_admin: Elasticsearch
) -> Iterator[ElasticsearchSearch]:
    """One empty Elasticsearch backend for a module's read-only tests."""
    with _elastic(elasticsearch_url, elastic_admin) as backend:
        yield backend


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for message in _skipped:
        terminalreporter.write_sep("!", message, red=True, bold=True)
