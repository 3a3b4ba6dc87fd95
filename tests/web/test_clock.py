"""China's calendar: "today" is the date in Asia/Shanghai on a server in any time zone.

The process time zone is set to UTC and to America/Los_Angeles (`TZ` + `time.tzset()`), and the
clock is put just after midnight in Beijing, when both are still on the previous day there.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from starlette.testclient import TestClient

from portal import clock
from portal.context import PortalContext
from portal.errors import ConfigurationError
from portal.objections import submit_objection
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from tests.web.conftest import Data, _seed

# 00:41 on 2 December in Beijing; 16:41 on 1 December in UTC; 08:41 on 1 December in LA.
JUST_AFTER_MIDNIGHT = datetime(2026, 12, 1, 16, 41, tzinfo=UTC)
BEIJING_DAY = date(2026, 12, 2)


@pytest.fixture(params=["UTC", "America/Los_Angeles"])
def server_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process runs in this time zone; the clock reads JUST_AFTER_MIDNIGHT."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    monkeypatch.setattr(clock, "utc_now", lambda: JUST_AFTER_MIDNIGHT)
    try:
        yield request.param
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_server_zone_really_is_on_the_previous_day(server_zone: str) -> None:
    # What the old code did: the server's local date, a day behind Beijing.
    local = datetime.fromtimestamp(JUST_AFTER_MIDNIGHT.timestamp()).date()
    assert local == date(2026, 12, 1)
    assert os.environ["TZ"] == server_zone


def test_today_is_the_date_in_china(server_zone: str) -> None:
    assert clock.china_today() == BEIJING_DAY
    assert Settings(today="").current_date() == BEIJING_DAY


def test_portal_today_still_overrides(server_zone: str) -> None:
    assert Settings(today="2026-11-24").current_date() == date(2026, 11, 24)


def test_a_bad_portal_today_fails_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_TODAY", "2026-13-01")
    with pytest.raises(ConfigurationError, match="PORTAL_TODAY"):
        Settings()


def test_the_pages_and_the_objection_time_agree_on_the_day(
    server_zone: str, web_settings: Settings
) -> None:
    """The issue's case: 信息截至 said 2026-12-01 while the objection said 2026-12-02 00:41."""
    ctx = PortalContext.open(web_settings.replace(today=""))
    try:
        data: Data = _seed(ctx)
        with TestClient(create_app(context=ctx), follow_redirects=False) as client:
            page = client.get(f"/enterprises/{data.titanium}").text
            assert "信息截至 2026-12-02" in page
            reference = _object_to_the_titanium_warning(ctx, data)
            status = client.get(f"/objections/{reference}").text
            assert "2026-12-02 00:41" in status
            assert reference.startswith("YY-2026-")
            graphql = client.post(
                "/graphql", json={"query": "{ listCounts { enterprises } }"}
            ).json()
            assert "errors" not in graphql
    finally:
        ctx.close()
    assert clock.in_china(JUST_AFTER_MIDNIGHT).strftime("%Y-%m-%d %H:%M") == "2026-12-02 00:41"


def _object_to_the_titanium_warning(ctx: PortalContext, data: Data) -> str:
    with session_scope(ctx.session_factory) as session:
        objection = submit_objection(
            session,
            record_kind="designation",
            source_system="quality_inspection",
            source_id=data.titanium_warning_id,
            reason="该抽检结果已经复检合格,公示有误,请予更正。",
            contact_name="沈鹏",
            contact_phone="13912345678",
            client_hash="test",
            now=clock.utc_now(),
            today=ctx.today(),
        )
        return objection.reference


def test_the_command_stops_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from portal.cli import app
    from portal.settings import get_settings

    monkeypatch.setenv("PORTAL_TODAY", "tomorrow")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["rules"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "PORTAL_TODAY" in result.output
