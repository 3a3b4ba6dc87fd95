"""One small data set for all GraphQL tests (read-only): a portal on a temporary directory
with rows inserted directly (tests/factories.py), the search index rebuilt, and a TestClient on
the real app.

Today is 2026-11-24; page size 5, at most 10 per page, so paging is exercised with few rows;
no per-minute limits (one client sends every test's requests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from portal.codes import make_uscc
from portal.context import PortalContext
from portal.search.indexer import rebuild_all
from portal.server import create_app
from portal.settings import Settings
from portal.storage.models import Enterprise
from tests.databases import Databases
from tests.factories import (
    add_case,
    add_complaint,
    add_designation,
    add_enterprise,
    add_equipment,
    add_instrument,
    add_licence,
    add_notice,
    add_operator,
    add_product,
    add_sampling,
)

TODAY = date(2026, 11, 24)
MAIN = make_uscc("91", "610300", "00000001")
GREEN_ONLY = make_uscc("91", "610300", "00000002")
NOTHING_DUE = make_uscc("91", "610300", "00000003")
UNVETTED = make_uscc("91", "610300", "00000099")
# 12 enterprises named 宝鸡精工…: 10–15 机床工具, 16–21 汽车及零部件; even 渭滨区, odd 陈仓区.
SERIES = range(10, 22)


def _series_name(n: int) -> str:
    return f"宝鸡精工机床第{n}厂" if n < 16 else f"宝鸡精工汽配第{n}厂"


def uscc(n: int) -> str:
    """The USCC of test enterprise number `n` (division code 610300)."""
    return make_uscc("91", "610300", f"{n:08d}")


def _designation(s: Session, owner: Enterprise, list_name: str, **fields: Any) -> None:
    fields.setdefault("title", f"{owner.name}列入名单")
    fields.setdefault("starts_on", date(2026, 10, 10))
    add_designation(s, owner, list_name, source_system="credit_rules", **fields)


# fmt: off
def build_data(context: PortalContext) -> None:
    with context.session_factory() as s:
        main = add_enterprise(s, "宝鸡华秦机床有限公司", uscc=MAIN, scale="medium",
                              former_names=["宝鸡华秦机床厂"])
        add_licence(s, main, licence_no="XK06-001-00123", scope="金属切削机床",
                    issuer="陕西省市场监督管理局", issued_on=date(2022, 3, 1),
                    expires_on=date(2027, 3, 1))  # yellow
        add_product(s, main, name="数控车床", category="机床", standard="GB/T 25659")
        add_product(s, main, name="撤回的产品", withdrawn=True)
        # (not `model=`: tests/factories.py's _add takes `model` as its own parameter)
        add_equipment(s, main, registration_no="起11610300001", location="一号车间",
                      manufacturer=None, installation_filing=None,
                      last_inspected_on=date(2024, 10, 1),
                      next_inspection_due=date(2026, 10, 1))  # red
        add_instrument(s, main, instrument_no="JL-0001", last_verified_on=date(2026, 1, 5),
                       next_verification_due=date(2028, 1, 5))  # green
        add_operator(s, main, name="张三丰", certificate_no="TS6103001234567",
                     certificate_expires_on=date(2028, 6, 1))
        add_sampling(s, main, product_name="数控车床", batch="2026-07",
                     sampled_on=date(2026, 8, 1), result="fail",
                     failed_items=["标签标识", "安全防护"], inspecting_body="宝鸡市产品质量检验所")
        add_sampling(s, main, product_name="数控车床", sampled_on=date(2025, 8, 1))
        add_notice(s, main, [("起重机未办理安装备案", False), ("缺少制造商信息", True)],
                   notice_no="宝质监整〔2026〕18号", issued_on=date(2026, 9, 1),
                   deadline=date(2026, 10, 1))
        add_case(s, main, case_no="宝质监案〔2026〕7号", opened_on=date(2026, 10, 15),
                 violation="拒不整改", endangers_health_or_safety=True)
        add_complaint(s, main, channel="media_report", received_on=date(2026, 7, 20),
                      summary="媒体报道机床防护缺失", substantiated=True)
        _designation(s, main, "blacklist", starts_on=date(2026, 11, 1), title="拒不整改列入黑名单",
                     products=["数控车床"], health_or_safety_risk=True)
        _designation(s, main, "exemplary", starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31))

        green = add_enterprise(s, "宝鸡秦川衡器有限公司", uscc=GREEN_ONLY,
                               industry="电子仪器仪表")
        add_instrument(s, green, name="地磅", next_verification_due=date(2028, 1, 1))
        _designation(s, green, "exemplary", starts_on=date(2026, 6, 1))
        add_enterprise(s, "宝鸡无事商贸有限公司", uscc=NOTHING_DUE, industry="其他")
        add_enterprise(s, "宝鸡未审核机床有限公司", uscc=UNVETTED, approved_at=None)

        series = {
            n: add_enterprise(s, _series_name(n), uscc=uscc(n),
                              district="渭滨区" if n % 2 == 0 else "陈仓区",
                              industry="机床工具" if n < 16 else "汽车及零部件")
            for n in SERIES
        }
        for n in range(10, 16):  # blacklist: main + 10..15, newest first by starts_on
            _designation(s, series[n], "blacklist", starts_on=date(2026, 10, n))
        _designation(s, series[16], "blacklist", starts_on=date(2025, 1, 1),
                     ends_on=date(2025, 12, 31))  # ended: not listed
        _designation(s, series[17], "blacklist", approved_at=None)  # not vetted
        _designation(s, series[18], "blacklist", published_on=date(2027, 1, 1))  # not yet
        _designation(s, series[10], "bad_records", starts_on=date(2026, 9, 1))
        _designation(s, series[17], "bad_records", starts_on=date(2026, 9, 2))
        _designation(s, series[18], "exemplary", starts_on=date(2026, 5, 1))
        _designation(s, series[19], "quality_safety_warning", starts_on=date(2026, 11, 20),
                     title="电动自行车充电器质量安全预警", products=["电动自行车充电器"],
                     health_or_safety_risk=True)
        _designation(s, series[20], "quality_safety_warning", starts_on=date(2026, 11, 10))
        s.commit()
# fmt: on


@pytest.fixture(scope="session")
def context(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[PortalContext]:
    root = tmp_path_factory.mktemp("graphql")
    database_url = databases.create()
    settings = Settings(
        data_dir=root / "data", database_url=database_url, today=TODAY.isoformat(),
        page_size=5, max_page_size=10,
        # One client sends every test's requests: fair use is tested in tests/web.
        graphql_limit_per_minute=0, search_limit_per_minute=0,
    )  # fmt: skip
    context = PortalContext.open(settings)
    build_data(context)
    rebuild_all(context.session_factory, context.search, TODAY)
    yield context
    context.close()
    databases.drop(database_url)


@pytest.fixture(scope="session")
def client(context: PortalContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client


Gql = Callable[..., dict[str, Any]]


@pytest.fixture
def gql(client: TestClient) -> Gql:
    """POST a query; returns the decoded body after checking the response is 200 JSON."""

    def run(query: str, **variables: Any) -> dict[str, Any]:
        response = client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = response.json()
        return body

    return run


@pytest.fixture
def data(gql: Gql) -> Callable[..., dict[str, Any]]:
    """Like `gql`, but fails on any GraphQL error and returns `data`."""

    def run(query: str, **variables: Any) -> dict[str, Any]:
        body = gql(query, **variables)
        assert "errors" not in body, body["errors"]
        result: dict[str, Any] = body["data"]
        return result

    return run
