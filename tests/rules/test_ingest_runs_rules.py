"""`portal ingest` runs the credit rules for what it loaded before it updates the search index:
a red special-equipment record ingested is a bad record on /bad-records and in search at once;
`portal rules --today` evaluates every enterprise on a given day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from portal.cli import app
from portal.server import create_app
from portal.settings import get_settings
from tests.ingest.helpers import USCC_A, USCC_B, record, write_jsonl

runner = CliRunner()
NAME = "宝鸡市鹏盛鑫有色金属有限公司"


@pytest.fixture
def portal_env(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-24")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _hits(html: str) -> list[str]:
    return re.findall(r'href="/enterprises/([0-9A-Z]{18})"', html)


def test_a_red_equipment_ingested_is_a_bad_record_on_the_site_and_in_search(
    portal_env: Path,
) -> None:
    crane = record(
        "special_equipment",
        record_id="SE-1",
        next_inspection_due="2026-11-20",
        published_on="2026-10-02",
    )
    path = write_jsonl(portal_env / "in.jsonl", [record("enterprise", name=NAME), crane])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "新生成 2 条" in result.output  # the bad record, and its upgrade written ahead

    with TestClient(create_app(get_settings())) as client:
        listed = client.get("/bad-records").text
        assert NAME in listed and USCC_A in _hits(listed)
        assert USCC_A not in _hits(client.get("/blacklist").text)  # upgraded on 12-07 only
        found = client.get("/search", params={"list": "bad_records"}).text
        assert _hits(found) == [USCC_A]
        page = client.get(f"/enterprises/{USCC_A}").text
        assert "将于 2026-12-07 升级为黑名单,除非在此之前整改" in page
        assert "一企一策" in page


def test_the_rules_command_runs_for_a_given_day(portal_env: Path) -> None:
    crane = record(
        "special_equipment",
        record_id="SE-1",
        next_inspection_due="2026-11-20",
        published_on="2026-10-02",
    )
    path = write_jsonl(portal_env / "in.jsonl", [record("enterprise", name=NAME), crane])
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    again = runner.invoke(app, ["rules"])
    assert again.exit_code == 0, again.output
    assert "新生成 0 条,更新 0 条,撤销 0 条" in again.output
    later = runner.invoke(app, ["rules", "--today", "2026-12-07"])
    assert later.exit_code == 0, later.output
    with TestClient(create_app(get_settings())) as client:
        # The site's today is still 2026-11-24: nothing changed for it.
        assert USCC_A in _hits(client.get("/bad-records").text)
    bad = runner.invoke(app, ["rules", "--today", "2026-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_demo_data_tells_the_articles_story(portal_env: Path) -> None:
    sample = portal_env / "sample"
    assert runner.invoke(app, ["sample-data", str(sample), "--enterprises", "20"]).exit_code == 0
    runner.invoke(app, ["ingest", str(sample)])  # exits 1: the sample's deliberate bad lines
    with TestClient(create_app(get_settings())) as client:
        found = client.get("/search", params={"q": "鹏盛鑫"}).text
        [uscc] = set(_hits(found))
        page = client.get(f"/enterprises/{uscc}").text
    # The crane and the scales: red, published as bad records, corrected within 15 days.
    assert page.count("已于 2026-11-12 改正") == 2
    assert "升级为黑名单" not in page and "list-blacklist" not in page
    # The notice: a month to rectify, rectified in time.
    assert "已于 2026-11-18 在整改期限(2026-12-04)内完成整改,通知书办结" in page
    # The systems sent the crane and scales with their new dates, and the crane's filing: nothing
    # is red, nothing open in 一企一策, and the overall warning follows.
    assert "无制造商信息" not in page and "未办理安装备案" not in page
    assert "badge-red" not in page
    assert "该企业目前没有待办事项" in page


def test_an_enterprise_whose_rules_fail_is_reported_and_the_others_go_on(
    portal_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in one enterprise's rules is logged with its USCC, counted, reported, exits 1,
    stays owed for the next run; the other enterprise's bad record and the index are written."""
    from portal.rules import job

    real = job.evaluate

    def failing(facts: Any, today: Any, th: Any) -> Any:
        if facts.uscc == USCC_B:
            raise OverflowError("date value out of range")
        return real(facts, today, th)

    monkeypatch.setattr(job, "evaluate", failing)
    lines = [record("enterprise", name=NAME), record("enterprise", USCC_B)]
    lines += [
        record("special_equipment", uscc, record_id=f"SE-{uscc}", next_inspection_due="2026-11-20")
        for uscc in (USCC_A, USCC_B)
    ]
    result = runner.invoke(app, ["ingest", str(write_jsonl(portal_env / "in.jsonl", lines))])
    assert result.exit_code == 1, result.output
    assert "1 家企业的信用规则执行失败" in result.output and USCC_B in result.output
    assert "新生成 2 条" in result.output  # USCC_A's bad record and its upgrade
    with TestClient(create_app(get_settings())) as client:
        found = client.get("/search", params={"list": "bad_records"}).text
        assert _hits(found) == [USCC_A]
    # Still owed: once the error is gone, `portal rules` finishes it.
    monkeypatch.setattr(job, "evaluate", real)
    again = runner.invoke(app, ["rules"])
    assert again.exit_code == 0, again.output
    with TestClient(create_app(get_settings())) as client:
        found = client.get("/search", params={"list": "bad_records"}).text
        assert sorted(_hits(found)) == sorted([USCC_A, USCC_B])
