"""Objections (异议) in GraphQL: the one mutation, `submitObjection`, and the public look-up
`objection(reference)`.

Both call `portal.objections`, as the site does, so validation and the rate limits are the same:
the limits count per client address, taken from the HTTP request. The public type has no
contact fields, so no query can ask for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from portal import clock
from portal.errors import BadRequest, NotFound
from portal.graphql.enums import ObjectionStatus, RecordKind, SourceSystem
from portal.objections import (
    InvalidObjection,
    PublicObjection,
    client_hash,
    get_objection,
    normalise_reference,
    submit_objection,
)
from portal.storage.db import session_scope


@strawberry.input(description="对一条公示信息提出异议:该信息的类别与来源标识、理由和联系方式")
class ObjectionInput:
    record_kind: RecordKind = strawberry.field(description="信息类别")
    source_system: SourceSystem = strawberry.field(
        description="该信息的来源系统,即其 provenance.sourceSystem"
    )
    source_record_id: str = strawberry.field(
        description="该信息的来源记录号,即其 provenance.sourceRecordId"
    )
    reason: str = strawberry.field(description="异议理由,10–2000字")
    contact_name: str = strawberry.field(description="联系人姓名(不公开)")
    contact_phone: str | None = strawberry.field(
        default=None, description="联系电话:手机号或带区号的固定电话(不公开);与邮箱至少填一项"
    )
    contact_email: str | None = strawberry.field(
        default=None, description="电子邮箱(不公开);与电话至少填一项"
    )


@strawberry.type(description="异议受理回执:请保存查询编号")
class ObjectionReceipt:
    reference: str = strawberry.field(description="查询编号,凭此查询处理进度")
    status: ObjectionStatus
    submitted_at: datetime


@strawberry.type(description="异议的公开处理进度;不含异议理由和联系方式")
class Objection:
    reference: str = strawberry.field(description="查询编号")
    status: ObjectionStatus
    status_label: str = strawberry.field(description="处理状态的中文名称,如“审查中”")
    status_note: str | None = strawberry.field(description="处理说明;null 表示暂无")
    submitted_at: datetime
    updated_at: datetime
    record_kind: RecordKind = strawberry.field(description="异议针对的信息类别")
    source_system: SourceSystem = strawberry.field(description="该信息的来源系统")
    source_record_id: str = strawberry.field(description="该信息的来源记录号")
    enterprise_uscc: str = strawberry.field(description="该信息所属企业的统一社会信用代码")
    enterprise_name: str = strawberry.field(description="该信息所属企业的名称(提出异议时)")
    record_summary: str = strawberry.field(description="该信息的摘要(提出异议时)")

    @classmethod
    def of(cls, o: PublicObjection) -> Objection:
        return cls(
            reference=o.reference,
            status=ObjectionStatus(o.status.value),
            status_label=o.status_label,
            status_note=o.status_note,
            submitted_at=o.submitted_at,
            updated_at=o.updated_at,
            record_kind=RecordKind(o.record_kind),
            source_system=SourceSystem(o.record_source_system),
            source_record_id=o.record_source_id,
            enterprise_uscc=o.enterprise_uscc,
            enterprise_name=o.enterprise_name,
            record_summary=o.record_summary,
        )


def find_objection(info: strawberry.Info, reference: str) -> Objection | None:
    """The `objection` query: BAD_REQUEST for a malformed reference, null for an unknown one."""
    if normalise_reference(reference) is None:
        raise BadRequest(f"查询编号“{reference}”格式有误:应形如 YY-2026-7K3QD9M2XA")
    portal = info.context.portal
    with portal.session() as session:
        try:
            return Objection.of(get_objection(session, reference))
        except NotFound:
            return None


@strawberry.type(description="写操作:只有提出异议一项")
class Mutation:
    @strawberry.mutation(
        description="对一条公示信息提出异议。输入有误时报 BAD_REQUEST;"
        "同一网络提交过于频繁时报 TOO_MANY_REQUESTS"
    )
    def submit_objection(
        self,
        info: strawberry.Info,
        input: Annotated[ObjectionInput, strawberry.argument(description="异议内容")],
    ) -> ObjectionReceipt | None:
        portal = info.context.portal
        request = info.context.request
        address = request.client.host if request is not None and request.client else None
        try:
            with session_scope(portal.session_factory) as session:
                objection = submit_objection(
                    session,
                    record_kind=input.record_kind.value,
                    source_system=input.source_system.value,
                    source_id=input.source_record_id,
                    reason=input.reason,
                    contact_name=input.contact_name,
                    contact_phone=input.contact_phone,
                    contact_email=input.contact_email,
                    client_hash=client_hash(portal.settings.signing_key(), address),
                    now=clock.utc_now(),
                    today=portal.today(),
                    per_hour=portal.settings.objection_limit_per_hour,
                    per_day=portal.settings.objection_limit_per_day,
                )
                return ObjectionReceipt(
                    reference=objection.reference,
                    status=ObjectionStatus(objection.status),
                    submitted_at=objection.submitted_at,
                )
        except InvalidObjection as exc:
            raise BadRequest(exc.detail) from None  # reported as BAD_REQUEST
