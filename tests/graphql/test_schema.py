"""The schema itself: names, enums in step with portal.domain, cursors, limits and errors."""

from __future__ import annotations

import base64
import logging
from enum import Enum
from typing import Any

import pytest
from graphql import GraphQLError, build_schema

from portal import domain
from portal.errors import BadRequest, ConfigurationError, NotFound, SearchUnavailable
from portal.graphql import enums, relay
from portal.graphql.schema import MAX_ALIASES, MAX_DEPTH, present, schema
from portal.settings import Settings

SDL = schema.as_str()


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (enums.Colour, list(domain.Colour)),
        (enums.CreditList, list(domain.CreditList)),
        (enums.SourceSystem, list(domain.SourceSystem)),
        (enums.SamplingResult, list(domain.SamplingResult)),
        (enums.ComplaintChannel, list(domain.COMPLAINT_CHANNELS)),
    ],
)
def test_enums_map_exactly_the_domain_values(ours: type[Enum], theirs: list[Any]) -> None:
    assert sorted(m.value for m in ours) == sorted(v.value for v in theirs)
    for member in ours:
        assert member.name == member.value.upper() or member.value in ("pass", "fail")


def test_enum_names_are_upper_case_code_names() -> None:
    assert (
        "enum CreditList {\n  EXEMPLARY\n  BAD_RECORDS\n  BLACKLIST\n  QUALITY_SAFETY_WARNING\n}"
        in SDL
    )
    assert "enum SamplingResult {\n  PASS\n  FAIL\n}" in SDL
    assert "enum Colour {\n  GREEN\n  YELLOW\n  RED\n}" in SDL


@pytest.mark.parametrize(
    "fragment",
    [
        "enterprise(",
        "): CreditFile\n",
        "searchEnterprises(",
        "list: CreditList = null",
        "colour: Colour = null",
        "): EnterpriseSearchConnection\n",
        "blacklist(",
        "exemplary(",
        "badRecords(",
        "warnings(",
        "): ListEntryConnection\n",
        "installationFiling: String\n",
        "nextInspectionDue: Date!",
        "mandatoryVerification: Boolean!",
        "failedItems: [String!]!",
        "channel: ComplaintChannel!",
        "healthOrSafetyRisk: Boolean!",
        "sourceRecordId: String!",
        "approvedAt: DateTime",
        "publishedOn: Date",
        "hasPreviousPage: Boolean!",
        "facets: [Facet!]!",
    ],
)
def test_schema_has_the_documented_fields(fragment: str) -> None:
    assert fragment in SDL


def test_the_only_write_is_submit_objection() -> None:
    built = build_schema(SDL)
    assert built.subscription_type is None
    assert built.mutation_type is not None
    assert list(built.mutation_type.fields) == ["submitObjection"]


# -- cursors and windows ---------------------------------------------------------------------

SETTINGS = Settings(page_size=5, max_page_size=10)


def test_cursor_round_trip_and_opacity() -> None:
    for offset in (0, 1, 9, 12345):
        cursor = relay.encode_cursor(offset)
        assert cursor != str(offset) and base64.b64decode(cursor)
        assert relay.decode_cursor(cursor) == offset


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "abc",
        "!!!",
        "b2Zmc2V0Oi0x",
        "b2Zmc2V0OmE=",
        "cGFnZTox",
        "偏移",
        "b2Zmc2V0OjEwMDAwMDAwMDA=",
    ],
)
def test_bad_cursors_are_bad_requests(cursor: str) -> None:
    # offset:-1, offset:a, page:1, a non-ASCII string, an offset far past any list
    with pytest.raises(BadRequest, match="分页游标"):
        relay.decode_cursor(cursor)


def test_window_defaults_bounds_and_after() -> None:
    assert relay.window(None, None, SETTINGS) == relay.Window(offset=0, limit=5)
    assert relay.window(10, relay.encode_cursor(4), SETTINGS) == relay.Window(offset=5, limit=10)
    for first in (0, -1, 11):
        with pytest.raises(BadRequest, match="1 到 10"):
            relay.window(first, None, SETTINGS)


def test_page_info() -> None:
    win = relay.Window(offset=5, limit=5)
    info = relay.page_info(win, 5, 12)
    assert (info.has_next_page, info.has_previous_page) == (True, True)
    assert relay.decode_cursor(info.start_cursor or "") == 5
    assert relay.decode_cursor(info.end_cursor or "") == 9
    last = relay.page_info(relay.Window(offset=10, limit=5), 2, 12)
    assert not last.has_next_page
    empty = relay.page_info(relay.Window(offset=20, limit=5), 0, 12)
    assert (empty.start_cursor, empty.end_cursor, empty.has_next_page) == (None, None, False)


# -- errors ----------------------------------------------------------------------------------


def _wrapped(exc: Exception) -> GraphQLError:
    return GraphQLError(str(exc), path=["enterprise"], original_error=exc)


@pytest.mark.parametrize(
    ("exc", "code", "status"),
    [
        (BadRequest("统一社会信用代码有误"), "BAD_REQUEST", 400),
        (NotFound("未找到"), "NOT_FOUND", 404),
        (SearchUnavailable("检索服务暂不可用"), "SEARCH_UNAVAILABLE", 503),
    ],
)
def test_portal_errors_keep_their_message_and_get_a_code(
    exc: Exception, code: str, status: int
) -> None:
    shown = present(_wrapped(exc))
    assert shown.message == str(exc)
    assert shown.extensions == {"code": code, "status": status}
    assert shown.path == ["enterprise"]


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("database password is hunter2"), ConfigurationError("/etc/secret missing")],
)
def test_unexpected_errors_are_masked(exc: Exception) -> None:
    shown = present(_wrapped(exc))
    assert shown.message == "服务器内部错误,请稍后再试"
    assert shown.extensions == {"code": "INTERNAL_SERVER_ERROR", "status": 500}
    assert str(exc) not in str(shown.formatted)


def test_validation_errors_are_reported_as_such() -> None:
    result = schema.execute_sync("{ nosuchfield }")
    assert result.errors
    error = result.errors[0]
    assert "nosuchfield" in error.message
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED", "status": 400}


def test_aliases_are_limited() -> None:
    fields = " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1))
    result = schema.execute_sync("{ " + fields + " }")
    assert result.errors and "aliases" in result.errors[0].message


def test_depth_is_limited() -> None:
    # No type of the schema nests deeply enough to hit the limit: check it is configured.
    from strawberry.extensions import QueryDepthLimiter

    made = [ext() for ext in schema.extensions]
    limiters = [e for e in made if isinstance(e, QueryDepthLimiter)]
    assert limiters and MAX_DEPTH == 10


def test_unexpected_error_is_logged_with_traceback(caplog: pytest.LogCaptureFixture) -> None:
    class Boom:
        @property
        def portal(self) -> Any:
            raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR, logger="portal.graphql.schema"):
        result = schema.execute_sync("{ listCounts { blacklist } }", context_value=Boom())
    assert result.errors and result.errors[0].message == "服务器内部错误,请稍后再试"
    records = [r for r in caplog.records if r.getMessage() == "graphql.error"]
    assert records and records[0].exc_info and "kaboom" in str(records[0].exc_info[1])
    assert records[0].path == "listCounts"  # type: ignore[attr-defined]
