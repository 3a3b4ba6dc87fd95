"""The Relay connections of the API: the four public lists (`ListEntryConnection`) and
enterprise search (`EnterpriseSearchConnection`), with the node types they carry.
"""

from __future__ import annotations

import strawberry

from portal.graphql.enums import Colour, CreditList
from portal.graphql.relay import PageInfo, Window, cursors, page_info
from portal.graphql.types import Designation, marked
from portal.readmodels import credit_file
from portal.readmodels import lists as public_lists
from portal.search import base as search


@strawberry.type(description="企业概况")
class EnterpriseSummary:
    uscc: str
    name: str
    district: str
    industry: str


@strawberry.type(description="名单中的一条:名单记录及其企业")
class ListEntry:
    designation: Designation
    enterprise: EnterpriseSummary

    @classmethod
    def of(cls, item: public_lists.ListedEnterprise, objected: bool = False) -> ListEntry:
        e = item.enterprise
        summary = EnterpriseSummary(
            uscc=e.uscc, name=e.name, district=e.district, industry=e.industry
        )
        designation = marked(Designation.of(item.designation), objected)
        return cls(designation=designation, enterprise=summary)


@strawberry.type(description="命中片段;match 为 true 的片段与检索词匹配")
class HighlightSegment:
    text: str
    match: bool


@strawberry.type(description="某字段的命中标注:字段原文切分为片段")
class Highlight:
    field: str
    segments: list[HighlightSegment]

    @classmethod
    def of(cls, h: search.Highlight) -> Highlight:
        segments = [HighlightSegment(text=t, match=m) for t, m in h.segments]
        return cls(field=h.field, segments=segments)


@strawberry.type(description="检索命中的企业")
class EnterpriseHit:
    uscc: str
    name: str
    district: str
    industry: str
    lists: list[CreditList]
    colour: Colour | None
    score: float = strawberry.field(description="相关度,越大越相关")
    highlights: list[Highlight]

    @classmethod
    def of(cls, hit: search.SearchHit) -> EnterpriseHit:
        return cls(
            uscc=hit.uscc,
            name=hit.name,
            district=hit.district,
            industry=hit.industry,
            lists=[CreditList(name) for name in hit.lists],
            colour=Colour(hit.colour) if hit.colour else None,
            score=hit.score,
            highlights=[Highlight.of(h) for h in hit.highlights],
        )


@strawberry.type(description="分面中的一个取值及其命中数")
class FacetValue:
    value: str
    count: int


@strawberry.type(description="分面统计:district、industry、list、colour 各取值的命中数(已应用筛选)")
class Facet:
    field: str
    values: list[FacetValue]


def facets_of(result: search.SearchResult) -> list[Facet]:
    """The result's facets, in the order of FACET_FIELDS."""
    facets = []
    for name in search.FACET_FIELDS:
        if name in result.facets:
            values = [FacetValue(value=v.value, count=v.count) for v in result.facets[name]]
            facets.append(Facet(field=name, values=values))
    return facets


@strawberry.type(description="名单连接中的一条")
class ListEntryEdge:
    cursor: str
    node: ListEntry


@strawberry.type(
    description="名单(分页)。totalCount 数的是名单记录(条),enterpriseCount 数的是企业(家):"
    "一家企业可以有多条记录"
)
class ListEntryConnection:
    total_count: int = strawberry.field(
        description="符合条件的名单记录条数(条);与名单页“共 N 条”一致"
    )
    enterprise_count: int = strawberry.field(
        description="这些记录涉及的企业数(家企业);与首页和 listCounts 的企业数一致"
    )
    edges: list[ListEntryEdge]
    page_info: PageInfo

    @classmethod
    def of(
        cls,
        page: public_lists.Page[public_lists.ListedEnterprise],
        win: Window,
        objected: frozenset[credit_file.RecordKey] = frozenset(),
    ) -> ListEntryConnection:
        nodes = [
            ListEntry.of(i, credit_file.record_key(i.designation) in objected) for i in page.items
        ]
        return cls(
            total_count=page.total,
            enterprise_count=page.enterprises if page.enterprises is not None else 0,
            edges=[
                ListEntryEdge(cursor=c, node=n)
                for c, n in zip(cursors(win, len(nodes)), nodes, strict=True)
            ],
            page_info=page_info(win, len(nodes), page.total),
        )


@strawberry.type(description="检索结果中的一条")
class EnterpriseSearchEdge:
    cursor: str
    node: EnterpriseHit


@strawberry.type(description="企业检索结果(分页),含分面统计")
class EnterpriseSearchConnection:
    total_count: int = strawberry.field(description="命中企业总数(精确值)")
    edges: list[EnterpriseSearchEdge]
    page_info: PageInfo
    facets: list[Facet]
    exact: bool = strawberry.field(
        description="检索词为统一社会信用代码或组织机构代码时按代码精确查找"
    )
    backend: str = strawberry.field(
        description="作答的检索后端:sqlite、elasticsearch;"
        "检索服务不可用时为 sql-fallback(数据库简易检索)"
    )

    @classmethod
    def of(cls, result: search.SearchResult, win: Window) -> EnterpriseSearchConnection:
        nodes = [EnterpriseHit.of(hit) for hit in result.hits]
        return cls(
            total_count=result.total,
            edges=[
                EnterpriseSearchEdge(cursor=c, node=n)
                for c, n in zip(cursors(win, len(nodes)), nodes, strict=True)
            ],
            page_info=page_info(win, len(nodes), result.total),
            facets=facets_of(result),
            exact=result.exact,
            backend=result.backend,
        )


@strawberry.type(
    description="各名单今天的规模。名单名字段(如 blacklist)数的是企业(家企业),"
    "…Entries 字段数的是名单记录(条):一家企业可以有多条记录,"
    "故 blacklist ≤ blacklistEntries;blacklistEntries 与 blacklist 连接的 totalCount 一致"
)
class ListCounts:
    exemplary: int = strawberry.field(description="质量诚信示范企业(红名单)上的企业数(家企业)")
    exemplary_entries: int = strawberry.field(description="质量诚信示范企业名单的记录数(条)")
    bad_records: int = strawberry.field(description="有不良信息的企业数(家企业)")
    bad_records_entries: int = strawberry.field(description="不良信息的记录数(条)")
    blacklist: int = strawberry.field(description="列入黑名单的企业数(家企业)")
    blacklist_entries: int = strawberry.field(description="黑名单的记录数(条)")
    quality_safety_warning: int = strawberry.field(description="有质量安全预警信息的企业数(家企业)")
    quality_safety_warning_entries: int = strawberry.field(
        description="质量安全预警信息的记录数(条)"
    )
    enterprises: int = strawberry.field(description="公开的企业诚信档案数(家企业)")

    @classmethod
    def of(cls, counts: dict[str, int]) -> ListCounts:
        return cls(
            exemplary=counts.get("exemplary", 0),
            exemplary_entries=counts.get("exemplary_entries", 0),
            bad_records=counts.get("bad_records", 0),
            bad_records_entries=counts.get("bad_records_entries", 0),
            blacklist=counts.get("blacklist", 0),
            blacklist_entries=counts.get("blacklist_entries", 0),
            quality_safety_warning=counts.get("quality_safety_warning", 0),
            quality_safety_warning_entries=counts.get("quality_safety_warning_entries", 0),
            enterprises=counts.get("enterprises", 0),
        )
