"""A small public data set, inserted as model rows and indexed, and a client of the portal app.

`data` holds the enterprises the tests look at; it also holds records that must never show
(unvetted, withdrawn, not yet published), so tests can check that they do not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.search.indexer import rebuild_all
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from tests import factories as f

BASE_URL = "https://credit.example.gov.cn"


@dataclass
class Data:
    titanium: str  # 宝鸡市鹏盛鑫有色金属有限公司: warning, findings, every kind of record
    exemplary: str  # 宝鸡秦川精密机床有限公司: exemplary
    blacklisted: str  # 陈仓区 food company: blacklist and a warning
    script: str  # a name with markup in it
    unvetted: str
    withdrawn: str
    future: str
    titanium_warning_id: str  # source_record_id of the titanium warning


def _seed(ctx: PortalContext) -> Data:
    with session_scope(ctx.session_factory) as s:
        ti = f.add_enterprise(
            s, "宝鸡市鹏盛鑫有色金属有限公司", district="金台区", industry="有色金属(钛及钛合金)",
            former_names=["宝鸡鹏盛钛材厂"], legal_representative="沈鹏", scale="medium",
            address="陕西省宝鸡市金台区钛城路8号",
        )  # fmt: skip
        warning = f.add_designation(
            s, ti, title="钛合金锻件抽检不合格", reason="钛合金锻件抗拉强度不符合 GB/T 25137",
            products=["钛合金锻件"], published_on=date(2026, 11, 2),
        )  # fmt: skip
        f.add_equipment(
            s, ti, registration_no="起17陕C0123", manufacturer=None, installation_filing=None,
            next_inspection_due=date(2026, 10, 1), source_record_id="SE-000123", source_version=2,
        )  # fmt: skip
        f.add_instrument(s, ti, name="压力表", next_verification_due=date(2027, 2, 1))
        f.add_licence(s, ti)
        f.add_product(s, ti, name="钛合金锻件", standard="GB/T 25137")
        f.add_operator(s, ti, name="王小明", certificate_no="Q161030012345678")
        f.add_sampling(
            s, ti, result="fail", failed_items=["抗拉强度", "断后伸长率"], batch="20260901"
        )
        f.add_sampling(s, ti, product_name="撤回的抽检产品", withdrawn=True)
        f.add_notice(s, ti, items=[("行车无制造商信息", False), ("未办理安装备案", True)])
        f.add_case(s, ti, violation="生产销售不合格钛合金锻件", penalty="罚款人民币五万元")
        f.add_complaint(s, ti, channel="media_report", summary="媒体报道锻件质量问题")
        f.add_complaint(s, ti, summary="尚未审核的投诉内容", approved_at=None, approved_by=None)
        f.add_designation(
            s, ti, "blacklist", title="将来才公开的黑名单", published_on=date(2027, 1, 1)
        )

        ex = f.add_enterprise(s, "宝鸡秦川精密机床有限公司", district="渭滨区", industry="机床工具")
        f.add_designation(s, ex, "exemplary", title="2026年度质量诚信示范企业", reason="质量诚信")

        bl = f.add_enterprise(s, "宝鸡陈仓食品有限公司", district="陈仓区", industry="烟酒食品")
        f.add_designation(s, bl, "blacklist", title="拒不整改", reason="拒不整改标签问题")
        f.add_designation(
            s, bl, title="速冻食品菌落总数超标", reason="菌落总数超标",
            starts_on=date(2026, 11, 10), published_on=date(2026, 11, 11),
        )  # fmt: skip

        sc = f.add_enterprise(s, "<script>alert(1)</script>宝鸡脚本测试有限公司")
        un = f.add_enterprise(s, "宝鸡未审核企业有限公司", approved_at=None, approved_by=None)
        wd = f.add_enterprise(s, "宝鸡已撤回企业有限公司", withdrawn=True)
        fu = f.add_enterprise(s, "宝鸡未来公开企业有限公司", published_on=date(2027, 1, 1))
        data = Data(
            ti.uscc,
            ex.uscc,
            bl.uscc,
            sc.uscc,
            un.uscc,
            wd.uscc,
            fu.uscc,
            warning.source_record_id,
        )
    rebuild_all(ctx.session_factory, ctx.search, ctx.today())
    return data


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.replace(base_url=BASE_URL, page_size=20)


@pytest.fixture
def portal_context(web_settings: Settings) -> Iterator[PortalContext]:
    ctx = PortalContext.open(web_settings)
    yield ctx
    ctx.close()


@pytest.fixture
def data(portal_context: PortalContext) -> Data:
    return _seed(portal_context)


@pytest.fixture
def client(portal_context: PortalContext, data: Data) -> Iterator[TestClient]:
    with TestClient(create_app(context=portal_context), follow_redirects=False) as c:
        yield c
