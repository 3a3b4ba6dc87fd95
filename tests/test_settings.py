"""The settings: every `PORTAL_*` variable is parsed and checked when the settings are made (at
start), and a bad one stops the command with a message naming the variable, the value given and
what is expected. The rules' thresholds take their defaults from the settings."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.records import DEFAULT_RECTIFICATION_DAYS
from portal.errors import ConfigurationError
from portal.rules.model import Thresholds
from portal.settings import Settings

# Thresholds' field → the setting it is read from (Thresholds.of).
THRESHOLD_SETTINGS = {
    "yellow_months": "yellow_months",
    "grace_days": "bad_record_grace_days",
    "minor_display_months": "minor_display_months",
    "moderate_display_months": "moderate_display_months",
    "moderate_repair_months": "moderate_repair_months",
    "serious_display_months": "serious_display_months",
    "serious_repair_months": "serious_repair_months",
}


def _settings_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(f"PORTAL_{name}", value)
    return Settings(data_dir=tmp_path)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("YELLOW_MONTHS", "six", "不是整数"),
        ("PAGE_SIZE", "20.5", "不是整数"),
        ("SERIOUS_DISPLAY_MONTHS", "-1", "应为不小于 1 的整数"),
        ("MODERATE_REPAIR_MONTHS", "-3", "应为不小于 0 的整数"),
        ("FEED_CACHE_SECONDS", "-60", "应为不小于 0 的整数"),
        ("GRAPHQL_MAX_COST", "0", "应为不小于 1 的整数"),
        ("LOG_LEVEL", "loud", "应为日志级别"),
        ("TRUSTED_PROXIES", "10.0.0.5, proxy.example", "“proxy.example”不是 IP 地址或 CIDR"),
        ("TRUSTED_PROXIES", "10.0.0.0/33", "“10.0.0.0/33”不是 IP 地址或 CIDR"),
        ("BASE_URL", "credit.example.gov.cn", "不是有效的 http:// 或 https:// 网址"),
        ("ELASTICSEARCH_URL", "http://es:nine", "不是有效的 http:// 或 https:// 网址"),
        ("DATABASE_URL", "postgres at db", "不是 SQLAlchemy 数据库地址"),
    ],
)
def test_a_bad_variable_is_named_with_its_value_and_what_is_expected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _settings_from(monkeypatch, tmp_path, **{variable: value})
    assert raised.value.detail.startswith(f"PORTAL_{variable} 无效:“{value}”")
    assert expected in raised.value.detail


def test_a_bad_date_is_reported_with_every_other_bad_variable_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # All the mistakes in one message: who fixes the first should not meet the second at the
    # next start.
    with pytest.raises(ConfigurationError) as raised:
        _settings_from(monkeypatch, tmp_path, TODAY="2026-02-30", LOG_LEVEL="verbose")
    detail = raised.value.detail
    assert "PORTAL_TODAY 无效:“2026-02-30”不是 YYYY-MM-DD 格式的日期" in detail
    assert "PORTAL_LOG_LEVEL 无效:“verbose”" in detail


def test_the_largest_page_may_not_be_smaller_than_a_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _settings_from(monkeypatch, tmp_path, PAGE_SIZE="20", MAX_PAGE_SIZE="10")
    assert raised.value.detail.startswith("PORTAL_MAX_PAGE_SIZE 无效:“10”不能小于 PORTAL_PAGE_SIZE")


def test_good_values_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _settings_from(
        monkeypatch,
        tmp_path,
        YELLOW_MONTHS="4",
        LOG_LEVEL="debug",
        TODAY="2026-03-01",
        TRUSTED_PROXIES="10.0.0.5, 192.168.1.0/24, 2001:db8::/64",
        BASE_URL="https://credit.example.gov.cn",
        SEARCH_LIMIT_PER_MINUTE="0",
    )
    assert settings.yellow_months == 4
    assert settings.log_level == "debug"
    assert settings.current_date().isoformat() == "2026-03-01"
    assert settings.trusted_proxies == "10.0.0.5, 192.168.1.0/24, 2001:db8::/64"
    assert settings.search_limit_per_minute == 0


def test_the_fair_use_and_graphql_cost_settings_have_their_defaults(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.search_limit_per_minute == 60
    assert settings.graphql_limit_per_minute == 120
    assert settings.concurrent_requests_per_client == 2
    assert settings.graphql_max_cost == 1000
    assert settings.trusted_proxies == ""


def test_keywords_and_replace_are_checked_like_the_environment(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, page_size=10)
    assert settings.replace(page_size=30).page_size == 30
    assert settings.page_size == 10  # settings are frozen: replace makes new ones
    with pytest.raises(ConfigurationError, match="PORTAL_PAGE_SIZE 无效:“0”"):
        settings.replace(page_size=0)
    with pytest.raises(ConfigurationError, match="PORTAL_PAGE_SISE"):
        Settings(data_dir=tmp_path, page_sise=10)


@pytest.mark.parametrize("command", [["rules"], ["ingest", "."], ["serve"], ["demo"]])
def test_a_bad_variable_stops_the_command_at_start_with_exit_code_2(
    tmp_path: Path, command: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env |= {"PORTAL_DATA_DIR": str(tmp_path), "PORTAL_YELLOW_MONTHS": "six", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "portal.cli", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "PORTAL_YELLOW_MONTHS 无效:“six”不是整数" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "portal.sqlite3").exists()  # stopped before touching the database


def test_the_thresholds_defaults_are_the_settings_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"PORTAL_{name.upper()}", raising=False)
    defaults = Settings.model_fields
    thresholds = {f.name: f.default for f in dataclasses.fields(Thresholds)}
    assert set(thresholds) == set(THRESHOLD_SETTINGS)
    for field, setting in THRESHOLD_SETTINGS.items():
        assert thresholds[field] == defaults[setting].default, field
    assert Thresholds() == Thresholds.of(Settings(data_dir=tmp_path))
    assert defaults["rectification_days"].default == DEFAULT_RECTIFICATION_DAYS
