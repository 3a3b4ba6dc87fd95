"""`/enterprises/{uscc}`: the credit file on one page, every fact with its source."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import Data


@pytest.fixture
def html(client: TestClient, data: Data) -> str:
    response = client.get(f"/enterprises/{data.titanium}")
    assert response.status_code == 200
    return response.text


def test_profile(html: str, data: Data) -> None:
    assert "<h1>宝鸡市鹏盛鑫有色金属有限公司</h1>" in html
    for fact in (
        "宝鸡鹏盛钛材厂",  # former name
        data.titanium,
        data.titanium[8:17],  # organisation code
        "沈鹏",
        "陕西省宝鸡市金台区钛城路8号",
        "金台区",
        "有色金属(钛及钛合金)",
        "中型",
    ):
        assert fact in html, fact


def test_current_designations_come_first_with_their_reason(html: str) -> None:
    assert "当前公示名单" in html
    assert html.index("钛合金锻件抽检不合格") < html.index("基本信息</h2>")
    assert "钛合金锻件抗拉强度不符合 GB/T 25137" in html
    assert 'id="designation-quality_inspection-' in html


def test_colours_are_badges_with_words_and_reasons(html: str) -> None:
    # The crane is overdue, the pressure gauge due within six months, the licence valid.
    assert '红色</span> <span class="reason">定期检验已超期54天(应于2026-10-01前)' in html
    assert '黄色</span> <span class="reason">距强制检定到期不超过6个月' in html
    assert '绿色</span> <span class="reason">许可证有效期在有效期内' in html
    assert "综合预警" in html


def test_missing_manufacturer_and_filing_are_findings(html: str) -> None:
    assert "无制造商信息" in html
    assert "未办理安装备案" in html
    assert "起17陕C0123" in html


def test_every_fact_shows_its_source(html: str) -> None:
    assert (
        "来源:特种设备系统 · 设备注册代码 起17陕C0123 · 审核:李明 2026-10-01 · 公开:2026-10-02"
        in html
    )
    assert 'data-source-record-id="SE-000123" data-source-version="2"' in html
    # The designation was published later than it was approved.
    assert "· 审核:李明 2026-10-01 · 公开:2026-11-02" in html
    assert html.count('class="source"') >= 10


def test_sampling_notices_cases_and_complaints(html: str) -> None:
    assert "不合格" in html
    assert "抗拉强度、断后伸长率" in html
    assert "行车无制造商信息 — 未整改" in html
    assert "未办理安装备案 — 已整改" in html
    assert "整改期限 2026-11-10" in html
    assert "逾期未整改" in html  # the deadline has passed (today is 2026-11-24)
    assert "生产销售不合格钛合金锻件" in html
    assert "罚款人民币五万元" in html
    assert "新闻媒体报道 · 2026-09-01" in html  # the complaint's channel label


def test_operator_names_and_certificates_are_masked(html: str) -> None:
    assert "王小明" not in html
    assert "王**" in html
    assert "Q161030012345678" not in html
    assert "Q161**********78" in html


def test_records_that_are_not_public_are_absent(html: str) -> None:
    assert "撤回的抽检产品" not in html  # withdrawn
    assert "尚未审核的投诉内容" not in html  # not vetted
    assert "将来才公开的黑名单" not in html  # published in the future


@pytest.mark.parametrize("form", ["lower", "hyphens", "spaces"])
def test_the_uscc_is_normalised(client: TestClient, data: Data, form: str) -> None:
    code = {
        "lower": data.titanium.lower(),
        "hyphens": f"{data.titanium[:8]}-{data.titanium[8:17]}-{data.titanium[17]}",
        "spaces": f"{data.titanium[:9]}%20{data.titanium[9:]}",
    }[form]
    response = client.get(f"/enterprises/{code}")
    assert response.status_code == 200
    assert "宝鸡市鹏盛鑫有色金属有限公司" in response.text
    assert f'rel="canonical" href="https://credit.example.gov.cn/enterprises/{data.titanium}"' in (
        response.text
    )


@pytest.mark.parametrize("which", ["unknown", "invalid", "unvetted", "withdrawn", "future"])
def test_unknown_and_non_public_enterprises_are_404(
    client: TestClient, data: Data, which: str
) -> None:
    code = {
        "unknown": "91610303MA6X00012K",
        "invalid": "not-a-code",
        "unvetted": data.unvetted,
        "withdrawn": data.withdrawn,
        "future": data.future,
    }[which]
    response = client.get(f"/enterprises/{code}")
    assert response.status_code == 404
    assert "未找到" in response.text
    assert "企业信用档案" in response.text
    assert "宝鸡未" not in response.text and "宝鸡已撤回" not in response.text


def test_markup_in_a_name_is_escaped(client: TestClient, data: Data) -> None:
    response = client.get(f"/enterprises/{data.script}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;宝鸡脚本测试有限公司" in response.text


def test_markup_in_the_url_is_escaped_on_the_404_page(client: TestClient) -> None:
    response = client.get("/enterprises/%3Cb%3Ebold%3C%2Fb%3E")
    assert response.status_code == 404
    assert "<b>bold</b>" not in response.text


def test_an_enterprise_with_no_records_says_so(client: TestClient, data: Data) -> None:
    html = client.get(f"/enterprises/{data.script}").text
    assert "该企业目前未列入" in html
    assert "无公开的特种设备信息" in html
    assert "无公开的监督抽查信息" in html
