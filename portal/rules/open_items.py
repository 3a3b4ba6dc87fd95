"""One enterprise, one plan (一企一策打包服务): every open issue of an enterprise across the
bureau's departments, with its deadline, in one list.

Open and overdue rectification notices; yellow and red special equipment, mandatory measuring
instruments, licences and operator certificates, with their due dates, as
portal.rules.record_colours decides (a corrected or renewed record is not listed); equipment without
manufacturer information or installation filing; bad records awaiting their upgrade; and when
credit repair of the shown designations may be applied for. Earliest date first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.domain import LIST_LABELS, Colour, CreditList
from portal.rules.evaluation import Entry, Evaluation
from portal.rules.facts import Facts
from portal.rules.model import OpenItem, Thresholds
from portal.rules.record_colours import title_of

_STATE = {Colour.yellow: "yellow", Colour.red: "red"}


def open_items(
    f: Facts, ev: Evaluation, entries: list[Entry], today: date, th: Thresholds
) -> list[OpenItem]:
    items: list[OpenItem] = []

    colours = ev.colours
    for n in f.notices:
        decision = ev.notices[(n.source_system, n.source_record_id)]
        if decision.state != "closed":
            text = decision.reason
            if decision.next_change:
                text += f"。{decision.next_change}"
            title = f"责令整改通知书 {n.notice_no}"
            items.append(OpenItem("notice", title, decision.state, text, n.deadline))
    # Yellow and red records, by the one colour decision (corrections and renewals included).
    dated: tuple[tuple[str, str, list[Any], str], ...] = (
        ("equipment", "special_equipment", f.equipment, "next_inspection_due"),
        ("instrument", "measuring_instrument", f.instruments, "next_verification_due"),
        ("licence", "licence", f.licences, "expires_on"),
        ("operator", "operator", f.operators, "certificate_expires_on"),
    )
    for item_kind, kind, records, column in dated:
        for r in records:
            coloured = colours.of(kind, r)
            if coloured.colour in _STATE:
                title = title_of(kind, r)
                state, due_on = _STATE[coloured.colour], getattr(r, column)
                items.append(OpenItem(item_kind, title, state, coloured.reason, due_on))
    for e in f.equipment:
        findings = ((e.manufacturer, "无制造商信息"), (e.installation_filing, "未办理安装备案"))
        missing = [text for value, text in findings if not value]
        if missing:
            title = title_of("special_equipment", e)
            items.append(OpenItem("finding", title, "open", "、".join(missing) + ",需补办"))
    for x in entries:
        shown = x.starts_on <= today and x.published <= today
        if shown and x.display_until is not None and x.display_until < today:
            continue
        decision = ev.decisions[x.identity]
        if x.upgrade_on is not None and x.upgrade_on > today and shown:
            items.append(
                OpenItem(
                    "upgrade", x.title, "pending_upgrade", decision.next_change or "", x.upgrade_on
                )
            )
        if shown and x.eligible_from is not None and x.repair.effective_on is None:
            label = LIST_LABELS.get(CreditList(x.list_name), x.list_name)
            if x.repair.pending_since is not None:
                state = "repair_pending"
                text = f"{label}信用修复申请({x.repair.pending_since})审核中"
            elif x.eligible_from <= today:
                state, text = "repair_eligible", f"{label}自 {x.eligible_from} 起可申请信用修复"
            else:
                state, text = "repair_later", f"{label}可于 {x.eligible_from} 起申请信用修复"
            items.append(OpenItem("repair", x.title, state, text, x.eligible_from))
    items.sort(key=lambda i: (i.due_on or date.min, i.kind, i.title))
    return items
