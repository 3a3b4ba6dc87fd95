"""Credit repair can be found: the credit file links the guide wherever it says a repair may be
applied for, and the guide states the conditions by severity from the settings."""

from __future__ import annotations

from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.domain import STATE_LABELS
from portal.server import create_app
from portal.settings import Settings
from tests.web.conftest import Data


def test_the_credit_file_links_the_guide_where_it_mentions_repair(
    client: TestClient, data: Data
) -> None:
    page = client.get(f"/enterprises/{data.blacklisted}").text
    box = page[page.index("拒不整改标签问题") :]
    box = box[: box.index("</div>")]
    assert "可于 2027-11-01 起申请信用修复" in box
    assert '<a href="/credit-repair">' in box


def test_the_guide_follows_the_settings(web_settings: Settings) -> None:
    settings = web_settings.replace(serious_repair_months=18, moderate_display_months=9)
    ctx = PortalContext.open(settings)
    try:
        with TestClient(create_app(context=ctx)) as client:
            response = client.get("/credit-repair")
    finally:
        ctx.close()
    assert response.status_code == 200
    html = response.text
    assert "<h1>信用修复指南</h1>" in html
    assert "列入满 18 个月后可以申请" in html
    assert "<td>9 个月</td>" in html
    assert "无需申请:公示期满自动移除" in html  # minor entries
    for part in ("申请条件", "需要提交的材料", "到哪里申请", "申请之后"):
        assert part in html


def test_the_label_of_a_repair_not_yet_open_says_so() -> None:
    assert STATE_LABELS["repair_later"] == "尚未到可申请修复日期"
