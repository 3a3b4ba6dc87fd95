"""The credit rules' answers in the API: the status of a designation or notice (why, and what
happens next and when), and the open items of one enterprise (一企一策)."""

from __future__ import annotations

from datetime import date

import strawberry

from portal.rules.model import Decision
from portal.rules.model import OpenItem as OpenItemDecision


@strawberry.type(
    name="RuleStatus",
    description="信用规则给出的状态:为什么是这个状态,以及下次何时、如何自动变化",
)
class RuleStatus:
    state: str = strawberry.field(
        description="状态:责令整改通知书为 open、closed、overdue、refused;名单记录为 published、"
        "corrected、scheduled、upgraded、expired、repaired、lapsed;示范企业暂停时为 suspended"
    )
    reason: str = strawberry.field(description="原因(规则、依据的记录和日期)")
    next_change_on: date | None = strawberry.field(
        description="下次自动变化的日期;null 表示不会自动变化"
    )
    next_change: str | None = strawberry.field(
        description="届时发生什么,如“将于 2026-12-09 升级为黑名单,除非在此之前整改”"
    )

    @classmethod
    def of(cls, d: Decision) -> RuleStatus:
        return cls(
            state=d.state,
            reason=d.reason,
            next_change_on=d.next_change_on,
            next_change=d.next_change,
        )


@strawberry.type(description="一企一策:企业尚未办结的一项事项及其期限")
class OpenItem:
    kind: str = strawberry.field(
        description="类别:notice、equipment、instrument、licence、operator、finding、upgrade、repair"
    )
    title: str
    state: str = strawberry.field(
        description="状态:open、overdue、refused、yellow、red、pending_upgrade、repair_pending、"
        "repair_later、repair_eligible"
    )
    text: str = strawberry.field(description="说明")
    due_on: date | None = strawberry.field(description="期限或到期日;null 表示无期限")

    @classmethod
    def of(cls, i: OpenItemDecision) -> OpenItem:
        return cls(kind=i.kind, title=i.title, state=i.state, text=i.text, due_on=i.due_on)
