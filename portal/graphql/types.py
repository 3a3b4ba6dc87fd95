"""The GraphQL types of the credit file and its records, and their mapping from the read models
(`portal.readmodels.credit_file`): every type has a classmethod `of()` building it from what the
read models return. Lists and search results are in `portal.graphql.connections`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TypeVar

import strawberry
from strawberry.types import Info

from portal.graphql.enums import Colour, ComplaintChannel, CreditList, SamplingResult, SourceSystem
from portal.graphql.status import OpenItem, RuleStatus
from portal.readmodels import credit_file as q
from portal.rules import ColourDecision
from portal.rules.engine import stored_decision
from portal.rules.model import Decision
from portal.storage import models


def _utc(moment: datetime | None) -> datetime | None:
    """Vetting times are stored in UTC; SQLite hands them back without the offset."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


UNDER_OBJECTION = (
    "异议处理中:有人对该信息提出了异议,市场监督管理部门尚未作出决定(诚信档案上标注“异议处理中”)"
)
R = TypeVar("R")


def marked(item: R, objected: bool) -> R:
    """`item` (a record type of this module) with its `under_objection` set."""
    item.under_objection = objected  # type: ignore[attr-defined]
    return item


@strawberry.type(description="记录来源:来源系统及其记录号、版本,审核人与审核时间,公示日期")
class Provenance:
    source_system: SourceSystem
    source_record_id: str
    source_version: int
    approved_by: str | None
    approved_at: datetime | None = strawberry.field(description="审核时间(带时区)")
    published_on: date | None = strawberry.field(description="公示起始日期;null 表示审核后即公示")

    @classmethod
    def of(cls, record: models.Provenance | q.PublicOperator) -> Provenance:
        return cls(
            source_system=SourceSystem(record.source_system),
            source_record_id=record.source_record_id,
            source_version=record.source_version,
            approved_by=record.approved_by,
            approved_at=_utc(record.approved_at),
            published_on=record.published_on,
        )


@strawberry.type(
    name="Warning", description="按到期日计算的预警:颜色、原因,以及颜色将自动变化的日期"
)
class WarningInfo:
    colour: Colour
    reason: str
    changes_on: date | None = strawberry.field(
        description="颜色下次自动变化的日期;null 表示不会自动变化"
    )
    corrected_on: date | None = strawberry.field(
        default=None,
        description="整改日期:整改纠正记录结束了红色预警(新的日期待来源系统报送);null 表示无",
    )

    @classmethod
    def of(cls, decision: ColourDecision) -> WarningInfo:
        return cls(
            colour=Colour(decision.colour.value),
            reason=decision.reason,
            changes_on=decision.changes_on,
            corrected_on=decision.corrected_on,
        )


@strawberry.type(description="行政许可(如工业产品生产许可证)")
class Licence:
    licence_no: str
    kind: str
    scope: str | None
    issuer: str | None
    issued_on: date
    expires_on: date
    warning: WarningInfo
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, item: q.Coloured[models.Licence]) -> Licence:
        r = item.record
        return cls(
            licence_no=r.licence_no,
            kind=r.kind,
            scope=r.scope,
            issuer=r.issuer,
            issued_on=r.issued_on,
            expires_on=r.expires_on,
            warning=WarningInfo.of(item.decision),
            provenance=Provenance.of(r),
        )


@strawberry.type(description="产品")
class Product:
    name: str
    category: str | None
    standard: str | None = strawberry.field(description="执行标准,如 GB/T 3620.1")
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, r: models.Product) -> Product:
        return cls(
            name=r.name, category=r.category, standard=r.standard, provenance=Provenance.of(r)
        )


@strawberry.type(description="特种设备及其定期检验预警")
class SpecialEquipment:
    registration_no: str
    kind: str = strawberry.field(
        description="设备种类:crane、boiler、pressure_vessel、pressure_piping、lift、forklift、other"
    )
    model: str | None
    location: str | None
    manufacturer: str | None = strawberry.field(description="制造商;null 表示缺少制造商信息")
    installation_filing: str | None = strawberry.field(description="安装备案号;null 表示未备案")
    last_inspected_on: date | None
    next_inspection_due: date
    warning: WarningInfo
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, item: q.Coloured[models.SpecialEquipment]) -> SpecialEquipment:
        r = item.record
        return cls(
            registration_no=r.registration_no,
            kind=r.kind,
            model=r.model,
            location=r.location,
            manufacturer=r.manufacturer,
            installation_filing=r.installation_filing,
            last_inspected_on=r.last_inspected_on,
            next_inspection_due=r.next_inspection_due,
            warning=WarningInfo.of(item.decision),
            provenance=Provenance.of(r),
        )


@strawberry.type(description="计量器具;强制检定的器具按检定到期日预警")
class MeasuringInstrument:
    instrument_no: str
    name: str
    mandatory_verification: bool
    last_verified_on: date | None
    next_verification_due: date | None
    warning: WarningInfo
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, item: q.Coloured[models.MeasuringInstrument]) -> MeasuringInstrument:
        r = item.record
        return cls(
            instrument_no=r.instrument_no,
            name=r.name,
            mandatory_verification=r.mandatory_verification,
            last_verified_on=r.last_verified_on,
            next_verification_due=r.next_verification_due,
            warning=WarningInfo.of(item.decision),
            provenance=Provenance.of(r),
        )


@strawberry.type(description="特种设备作业人员;姓名与证书号已脱敏")
class Operator:
    name: str = strawberry.field(description="脱敏姓名,只显示姓")
    certificate_no: str = strawberry.field(description="脱敏证书号,只显示前4位和后2位")
    category: str
    warning: WarningInfo = strawberry.field(description="证书有效期预警")
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, op: q.PublicOperator) -> Operator:
        return cls(
            name=op.name,
            certificate_no=op.certificate_no,
            category=op.category,
            warning=WarningInfo.of(op.decision),
            provenance=Provenance.of(op),
        )


@strawberry.type(description="监督抽查")
class SamplingInspection:
    product_name: str
    batch: str | None
    sampled_on: date
    result: SamplingResult
    failed_items: list[str] = strawberry.field(description="不合格项目")
    inspecting_body: str | None
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, r: models.SamplingInspection) -> SamplingInspection:
        return cls(
            product_name=r.product_name,
            batch=r.batch,
            sampled_on=r.sampled_on,
            result=SamplingResult(r.result),
            failed_items=list(r.failed_items),
            inspecting_body=r.inspecting_body,
            provenance=Provenance.of(r),
        )


@strawberry.type(description="整改项目")
class RectificationItem:
    seq: int
    description: str
    rectified: bool


@strawberry.type(description="责令整改通知书")
class RectificationNotice:
    notice_no: str
    issued_on: date
    deadline: date
    rectified_on: date | None = strawberry.field(description="整改确认日期;null 表示尚未整改")
    refused: bool = strawberry.field(description="是否拒不整改")
    serious: bool
    items: list[RectificationItem]
    status: RuleStatus = strawberry.field(description="整改状态、原因及下一步")
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, r: models.RectificationNotice, status: Decision) -> RectificationNotice:
        items = [
            RectificationItem(seq=i.seq, description=i.description, rectified=i.rectified)
            for i in r.items
        ]
        return cls(
            notice_no=r.notice_no,
            issued_on=r.issued_on,
            deadline=r.deadline,
            rectified_on=r.rectified_on,
            refused=r.refused,
            serious=r.serious,
            items=items,
            status=RuleStatus.of(status),
            provenance=Provenance.of(r),
        )


@strawberry.type(description="执法办案(立案查处)")
class EnforcementCase:
    case_no: str
    opened_on: date
    closed_on: date | None
    violation: str
    endangers_health_or_safety: bool
    penalty: str | None
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, r: models.EnforcementCase) -> EnforcementCase:
        return cls(
            case_no=r.case_no,
            opened_on=r.opened_on,
            closed_on=r.closed_on,
            violation=r.violation,
            endangers_health_or_safety=r.endangers_health_or_safety,
            penalty=r.penalty,
            provenance=Provenance.of(r),
        )


@strawberry.type(description="质量投诉与举报")
class Complaint:
    channel: ComplaintChannel
    received_on: date
    summary: str
    outcome: str | None
    substantiated: bool | None = strawberry.field(description="是否查实;null 表示尚无结论")
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)

    @classmethod
    def of(cls, r: models.Complaint) -> Complaint:
        return cls(
            channel=ComplaintChannel(r.channel),
            received_on=r.received_on,
            summary=r.summary,
            outcome=r.outcome,
            substantiated=r.substantiated,
            provenance=Provenance.of(r),
        )


@strawberry.type(description="列入公示名单的记录")
class Designation:
    list_name: CreditList = strawberry.field(name="list", description="名单")
    title: str
    reason: str
    products: list[str] = strawberry.field(description="涉及的产品")
    health_or_safety_risk: bool = strawberry.field(description="是否危及人体健康或人身财产安全")
    starts_on: date
    ends_on: date | None
    display_until: date | None = strawberry.field(
        description="公示截止日期(最后公示日),由信用规则按严重程度、升级、信用修复等确定;"
        "null 表示无截止日期"
    )
    public_until: date | None = strawberry.field(
        description="最后公示日:displayUntil 与 endsOn 中较早的一个;诚信档案、名单页和各名单"
        "查询所示的公示期均为 startsOn 至 publicUntil。null 表示尚无截止日期"
    )
    severity: str | None = strawberry.field(
        description="严重程度:minor、moderate、serious;示范企业为 null"
    )
    corrected_on: date | None = strawberry.field(description="改正日期(不良信息)")
    suspended_from: date | None = strawberry.field(
        description="示范企业:当前或下一次暂停的起始日期(有不良信息在公示期内);null 表示不暂停"
    )
    suspended_until: date | None = strawberry.field(
        description="示范企业:暂停的最后一日;null 表示未暂停或暂停无截止日期"
    )
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)
    _row: strawberry.Private[models.Designation | None] = None
    _status: strawberry.Private[Decision | None] = None

    @strawberry.field(description="状态、原因及下一步(何时、如何自动变化)")
    def status(self, info: Info) -> RuleStatus:
        if self._status is not None:
            return RuleStatus.of(self._status)
        assert self._row is not None  # built by of()
        return RuleStatus.of(stored_decision(self._row, info.context.portal.today()))

    @classmethod
    def of(cls, r: models.Designation, status: Decision | None = None) -> Designation:
        from portal.rules.periods import severity_of

        severity = severity_of(r.list_name, r.severity)
        return cls(
            list_name=CreditList(r.list_name),
            title=r.title,
            reason=r.reason,
            products=list(r.products),
            health_or_safety_risk=r.health_or_safety_risk,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            display_until=r.display_until,
            public_until=r.last_public_day,
            severity=severity.value if severity else None,
            corrected_on=r.corrected_on,
            suspended_from=r.suspended_from,
            suspended_until=r.suspended_until,
            provenance=Provenance.of(r),
            _row=r,
            _status=status,
        )


@strawberry.type(description="企业诚信档案:企业概况与全部公开记录")
class CreditFile:
    uscc: str = strawberry.field(description="统一社会信用代码")
    org_code: str = strawberry.field(description="组织机构代码")
    name: str
    former_names: list[str]
    legal_representative: str | None
    address: str | None
    district: str = strawberry.field(description="区县")
    industry: str = strawberry.field(description="行业")
    scale: str | None = strawberry.field(description="规模:large、medium、small、micro")
    established_on: date | None
    lists: list[CreditList] = strawberry.field(description="当前所在名单")
    colour: Colour | None = strawberry.field(
        description="许可证、特种设备、计量器具、作业人员证书中最严重的预警颜色;无到期事项时为 null"
    )
    overall_warning: WarningInfo | None = strawberry.field(
        description="综合预警:颜色及其原因(哪些记录、为什么);无到期事项时为 null"
    )
    provenance: Provenance
    under_objection: bool = strawberry.field(default=False, description=UNDER_OBJECTION)
    licences: list[Licence]
    products: list[Product]
    special_equipment: list[SpecialEquipment]
    measuring_instruments: list[MeasuringInstrument]
    operators: list[Operator]
    sampling_inspections: list[SamplingInspection]
    rectification_notices: list[RectificationNotice]
    enforcement_cases: list[EnforcementCase]
    complaints: list[Complaint]
    designations: list[Designation] = strawberry.field(description="当前有效的名单记录")
    suspended_designations: list[Designation] = strawberry.field(
        description="暂停中的示范企业记录(示范资格暂停:有不良信息在公示期内),status 说明原因"
    )
    open_items: list[OpenItem] = strawberry.field(
        description="一企一策:尚未办结的事项及其期限(整改、预警、待升级、信用修复),按日期排列"
    )

    @classmethod
    def of(cls, f: q.CreditFile) -> CreditFile:
        e = f.enterprise
        return cls(
            uscc=e.uscc,
            org_code=e.org_code,
            name=e.name,
            former_names=list(e.former_names),
            legal_representative=e.legal_representative,
            address=e.address,
            district=e.district,
            industry=e.industry,
            scale=e.scale,
            established_on=e.established_on,
            lists=[CreditList(name) for name in f.lists],
            colour=Colour(f.colour.value) if f.colour else None,
            overall_warning=WarningInfo.of(f.overall) if f.overall else None,
            provenance=Provenance.of(e),
            licences=[marked(Licence.of(x), f.under_objection(x.record)) for x in f.licences],
            products=[marked(Product.of(x), f.under_objection(x)) for x in f.products],
            special_equipment=[
                marked(SpecialEquipment.of(x), f.under_objection(x.record)) for x in f.equipment
            ],
            measuring_instruments=[
                marked(MeasuringInstrument.of(x), f.under_objection(x.record))
                for x in f.instruments
            ],
            operators=[marked(Operator.of(x), f.under_objection(x)) for x in f.operators],
            sampling_inspections=[
                marked(SamplingInspection.of(x), f.under_objection(x))
                for x in f.sampling_inspections
            ],
            rectification_notices=[
                marked(RectificationNotice.of(x, f.status(x)), f.under_objection(x))
                for x in f.rectification_notices
            ],
            enforcement_cases=[
                marked(EnforcementCase.of(x), f.under_objection(x)) for x in f.enforcement_cases
            ],
            complaints=[marked(Complaint.of(x), f.under_objection(x)) for x in f.complaints],
            designations=[
                marked(Designation.of(x, f.status(x)), f.under_objection(x)) for x in f.designations
            ],
            suspended_designations=[
                marked(Designation.of(x, f.status(x)), f.under_objection(x)) for x in f.suspended
            ],
            open_items=[OpenItem.of(i) for i in f.open_items],
            under_objection=f.under_objection(e),
        )
