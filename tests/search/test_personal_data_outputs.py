"""End to end: a resident ID, a mobile, a landline, an e-mail address and a card number written
into every free-text field of every kind of record never come out of the portal — not on the
credit file, the list pages, the home page, the objection pages, the search page, GraphQL, the RSS
and Atom feeds, nor in the search index — on both search backends; their masked forms do; and the
stored rows keep the original."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from elasticsearch import Elasticsearch
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType
from sqlalchemy import select
from starlette.testclient import TestClient

from portal.context import PortalContext
from portal.domain import ObjectionStatus
from portal.graphql.schema import schema
from portal.objections import set_status, submit_objection
from portal.rules.job import run_rules
from portal.search.elastic.names import index_pattern
from portal.search.indexer import rebuild_all
from portal.server import create_app
from portal.settings import Settings
from portal.storage.db import session_scope
from portal.storage.models import Complaint, Designation
from tests import factories as f
from tests.search.conftest import RUN_PREFIX, delete_indexes

TODAY = date(2026, 11, 24)
ID = "610302198807150026"
MOBILE = "13891712345"
LANDLINE = "0917-3256789"  # not the form's own example, 0917-3212345
EMAIL = "wang.xiaohong@163.com"
CARD = "6222023700123456784"
PII = f"(举报人身份证号{ID},手机{MOBILE},电话{LANDLINE},邮箱{EMAIL},银行卡{CARD})"
# What must never appear (the landline without its area code too), and what must instead.
RAW = (ID, MOBILE, "3256789", "wang.xiaohong", CARD)
MASKED = (
    "6103**********0026",
    "138****2345",
    "0917-***6789",
    "w***@163.com",
    "6222***********6784",
)
WORD = "酿造食醋"  # in the complaint: a search for it returns the complaint text as a snippet


def text(what: str) -> str:
    return f"{what}{PII}"


@dataclass
class Seeded:
    uscc: str
    designation_system: str
    designation_id: str
    reference: str
    complaint_summary: str


def _seed(ctx: PortalContext) -> Seeded:
    factory = ctx.session_factory
    with session_scope(factory) as s:
        e = f.add_enterprise(s, "宝鸡市隐私测试食品有限公司", legal_representative="王建国")
        for name in ("quality_safety_warning", "blacklist"):
            f.add_designation(s, e, name, title=text(f"{name}标题"), reason=text(f"{name}理由"))
        # Another enterprise with a bad record still in its grace period (upgraded for the
        # first one), and a third that is exemplary (lapsed for the first one, suspended while
        # the second has a bad record in force).
        other = f.add_enterprise(s, "宝鸡市隐私测试整改企业有限公司")
        exemplary = f.add_enterprise(s, "宝鸡市隐私测试示范企业有限公司")
        for owner, name, starts in (
            (exemplary, "exemplary", date(2026, 1, 1)),
            (other, "bad_records", date(2026, 11, 20)),
        ):
            f.add_designation(
                s, owner, name, title=text(f"{name}标题"), reason=text(f"{name}理由"),
                starts_on=starts, published_on=starts,
            )  # fmt: skip
        # A bad record never corrected: the rules upgrade it, quoting its title in theirs.
        bad = f.add_designation(
            s, e, "bad_records", title=text("不良信息标题"), reason=text("不良信息理由"),
            starts_on=date(2026, 9, 1), published_on=date(2026, 9, 1),
        )  # fmt: skip
        # Withdrawn: the feeds announce it as 【撤销】.
        f.add_designation(
            s, e, title=text("已撤销预警标题"), reason=text("已撤销预警理由"),
            starts_on=date(2026, 11, 5), published_on=date(2026, 11, 5), withdrawn=True,
            ingested_at=datetime(2026, 11, 21, 2, tzinfo=UTC),
        )  # fmt: skip
        f.add_repair(s, bad, applied_on=date(2026, 11, 20), decided_on=None, note=text("修复说明"))
        complaint = f.add_complaint(
            s, e, summary=text(f"群众举报该企业生产的{WORD}无中文标识"), outcome=text("处理结果")
        )
        f.add_case(s, e, violation=text("违法事实"), penalty=text("罚款人民币2万元"))
        f.add_notice(s, e, items=[(text("整改项目一"), False), (text("整改项目二"), True)])
        f.add_sampling(s, e, result="fail", failed_items=[text("不合格项目")])
        f.add_licence(s, e, scope=text("许可范围"))
        f.add_equipment(s, e, location=text("使用地点"))
        f.add_correction(s, e, note=text("纠正说明"))
        seeded = Seeded(e.uscc, bad.source_system, bad.source_record_id, "", complaint.summary)
    run_rules(factory, TODAY)
    with session_scope(factory) as s:
        objection = submit_objection(
            s, record_kind="designation", source_system=seeded.designation_system,
            source_id=seeded.designation_id, reason=text("异议理由:该信息有误,请核实"),
            contact_name="王某", contact_phone=MOBILE, client_hash="test-client",
            now=datetime(2026, 11, 24, 2, tzinfo=UTC), today=TODAY,
        )  # fmt: skip
        seeded.reference = objection.reference
        note = text("已联系举报人")
        set_status(s, objection.reference, ObjectionStatus.under_review, note=note,
                   now=datetime(2026, 11, 24, 3, tzinfo=UTC))  # fmt: skip
    rebuild_all(factory, ctx.search, TODAY)
    return seeded


@pytest.fixture(params=["sqlite", "elastic"])
def portal(request: pytest.FixtureRequest, settings: Settings) -> Iterator[PortalContext]:
    # The whole-schema query below asks for everything at once: more than one request may cost.
    settings = settings.replace(
        today=TODAY.isoformat(), feed_cache_seconds=0, graphql_max_cost=10_000
    )
    admin: Elasticsearch | None = None
    if request.param == "elastic":
        url = request.getfixturevalue("elasticsearch_url")
        admin = request.getfixturevalue("elastic_admin")
        settings = settings.replace(elasticsearch_url=url, index_prefix=f"{RUN_PREFIX}-privacy")
    ctx = PortalContext.open(settings)
    try:
        yield ctx
    finally:
        ctx.close()
        if admin is not None:
            delete_indexes(admin, index_pattern(settings.index_prefix))


def _selection(t: GraphQLType, depth: int = 0) -> str:
    """Every field of an object type (the whole credit file), recursively."""
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    if not isinstance(t, GraphQLObjectType):
        return ""
    fields = []
    for name, field in t.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()) or depth > 6:
            continue
        fields.append(f"{name} {_selection(field.type, depth + 1)}")
    return "{ " + " ".join(fields) + " }"


def _type(name: str) -> GraphQLType:
    found = schema._schema.get_type(name)
    assert found is not None
    return found


def _graphql(client: TestClient, seeded: Seeded) -> str:
    lists = " ".join(
        f"{name}: {name}(first: 100) {_selection(_type('ListEntryConnection'))}"
        for name in ("warnings", "blacklist", "badRecords", "exemplary")
    )
    query = f"""query($uscc: String!, $ref: String!, $word: String!) {{
        enterprise(uscc: $uscc) {_selection(_type("CreditFile"))}
        objection(reference: $ref) {_selection(_type("Objection"))}
        search: searchEnterprises(query: $word) {_selection(_type("EnterpriseSearchConnection"))}
        {lists}
    }}"""
    variables = {"uscc": seeded.uscc, "ref": seeded.reference, "word": WORD}
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.text


def _index_contents(ctx: PortalContext) -> str:
    if ctx.settings.elasticsearch_url:
        client = Elasticsearch(ctx.settings.elasticsearch_url)
        try:
            found = client.search(
                index=index_pattern(ctx.settings.index_prefix), query={"match_all": {}}, size=100
            )
            return json.dumps(found.body, ensure_ascii=False)
        finally:
            client.close()
    # The whole embedded index (documents, texts for snippets, the FTS5 tables; and its WAL).
    path = ctx.settings.search_file
    files = sorted(path.parent.glob(path.name + "*"))
    assert files
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in files)


def test_personal_data_in_free_text_appears_in_no_output(portal: PortalContext) -> None:
    seeded = _seed(portal)
    with TestClient(create_app(context=portal)) as client:
        pages = {
            url: client.get(url)
            for url in (
                f"/enterprises/{seeded.uscc}", "/", "/warnings", "/blacklist", "/bad-records",
                "/exemplary", f"/search?q={WORD}", f"/objections/{seeded.reference}",
                "/objections/new?kind=designation"
                f"&system={seeded.designation_system}&id={seeded.designation_id}",
                "/feeds/warnings.rss", "/feeds/warnings.atom",
            )
        }  # fmt: skip
        outputs = {url: r.text for url, r in pages.items()}
        assert all(r.status_code == 200 for r in pages.values()), {
            u: r.status_code for u, r in pages.items()
        }
        outputs["graphql"] = _graphql(client, seeded)
        outputs["search index"] = _index_contents(portal)
        leaks = {where: [r for r in RAW if r in out] for where, out in outputs.items()}
        assert {w: found for w, found in leaks.items() if found} == {}
        # Nothing is findable by the numbers themselves.
        for raw in (ID, MOBILE, CARD):
            assert seeded.uscc not in client.get("/search", params={"q": raw}).text

    # The masked forms are there instead, everywhere the texts are shown.
    for where in (f"/enterprises/{seeded.uscc}", "/", "/warnings", "/blacklist", "/bad-records",
                  "/exemplary", "/feeds/warnings.rss",
                  "/feeds/warnings.atom", "graphql", "search index",
                  f"/objections/{seeded.reference}"):  # fmt: skip
        assert all(m in outputs[where] for m in MASKED), where
    # A snippet is a window of 120 characters around the match: the first ones are in it.
    snippet = outputs[f"/search?q={WORD}"]
    assert f"<mark>{WORD}</mark>" in snippet and all(m in snippet for m in MASKED[:2])
    file = outputs[f"/enterprises/{seeded.uscc}"]
    assert "王建国" in file  # the legal representative is a public field, not free text
    assert file.count("6103**********0026") >= 14  # every free text of the file, masked
    assert "【撤销】" in outputs["/feeds/warnings.rss"]
    assert "逾期未改正" in file  # the rules' upgrade, whose title quotes the bad record's

    # The stored original is intact.
    with portal.session() as s:
        assert s.scalars(select(Complaint.summary)).one() == seeded.complaint_summary
        titles = s.scalars(select(Designation.title)).all()
        assert all(ID in t for t in titles)
