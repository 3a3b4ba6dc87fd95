"""The warning colour of every record with a due date of one enterprise on `today`, with its
corrections: one decision that the credit file, 一企一策 (portal.rules.open_items), the overall
warning (综合预警), the search document and GraphQL all use.

Rule `due_date_colour` (portal.rules.colours) gives the colour of special equipment (定期检验),
mandatory measuring instruments (强制检定), licences (有效期) and operator certificates; then:

- `licence_renewed`: a licence renewed by `today` (a later licence of the same kind,
  portal.rules.red_warnings.renewal_of) is superseded by its renewal and never red again. A renewal
  sent as a newer version of the same licence record simply carries the new dates.
- `corrected`: a public `correction` naming the record (or the bad record the rules derived from
  it), dated from the record's first red day to `today`, ends its red warning on its date. The
  correction holds for this red episode until the source system sends a version of the record with
  a later due date, which then decides the colour (a version whose later due date is overdue again
  is a new episode the old correction does not cover). Until then the record is green and says in
  words that it was rectified and that the new date is to come from the source system. Green,
  because the bureau has confirmed that what was overdue was done (inspected, verified, renewed),
  which is what green means in the article ("just inspected"); only the next date is not known yet,
  and the delay of the internal system's export is not the enterprise's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.domain import COLOUR_LABELS, Colour
from portal.rules.colours import ColourDecision, add_days, due_date_colour, worst_colour
from portal.rules.model import RULES_SYSTEM, Thresholds, public_day, record_title, source_name
from portal.rules.red_warnings import renewal_of

# kind (a key of RECORD_TABLES), source system, record id
Key = tuple[str, str, str]
WARNING_RULE = "bad_record_from_warning"  # portal.rules.red_warnings.RULE
# Per kind: the due-date column, the obligation in words, and what the next version will carry.
_DUES = {
    "special_equipment": ("next_inspection_due", "定期检验", "检验日期"),
    "measuring_instrument": ("next_verification_due", "强制检定", "检定日期"),
    "licence": ("expires_on", "许可证有效期", "许可证有效期"),
    "operator": ("certificate_expires_on", "作业人员证书有效期", "证书有效期"),
}
NOT_MANDATORY = ColourDecision(Colour.green, "非强制检定计量器具", None, rule="not_mandatory")


def key_of(kind: str, record: Any) -> Key:
    return kind, record.source_system, record.source_record_id


def title_of(kind: str, record: Any) -> str:
    """The record as the bureau and the public know it (portal.rules.model.record_title)."""
    return record_title(kind, record)


def red_from(kind: str, record: Any) -> date:
    """The record's first red day: the day after its due date (an instrument never verified:
    the day its record became public)."""
    due = getattr(record, _DUES[kind][0])
    return public_day(record) if due is None else add_days(due, 1)


@dataclass(frozen=True)
class RecordColours:
    """The colour decision of every record with a due date, by Key, and the overall one."""

    decisions: dict[Key, ColourDecision] = field(default_factory=dict)
    # 综合预警: the worst colour over the mandatory obligations, with the records behind it.
    overall: ColourDecision | None = None

    def of(self, kind: str, record: Any) -> ColourDecision:
        return self.decisions[key_of(kind, record)]


def correction_days(f: Any) -> dict[Key, list[date]]:
    """The days of the public corrections of each record: corrections naming the record, and
    those naming a bad record the rules derived from its red warning."""
    derived_from: dict[str, Key] = {}
    for row in f.derived:
        derivation = row.derivation or {}
        records = derivation.get("records") or []
        if derivation.get("rule") == WARNING_RULE and records:
            first = records[0]
            derived_from[row.source_record_id] = (first["kind"], first["system"], first["id"])
    days: dict[Key, list[date]] = {}
    for c in f.corrections:
        key: Key | None = (c.target_kind, c.target_system, c.target_record_id)
        if c.target_kind == "designation" and c.target_system == RULES_SYSTEM:
            key = derived_from.get(c.target_record_id)
        if key is not None:
            days.setdefault(key, []).append(c.corrected_on)
    return days


def record_colour(
    kind: str,
    record: Any,
    today: date,
    *,
    corrections: Iterable[date] = (),
    renewal: Any = None,
    thresholds: Thresholds | None = None,
) -> ColourDecision:
    """The colour of one record on `today` (`renewal`: the licence that renewed it, if any)."""
    if kind == "measuring_instrument" and not record.mandatory_verification:
        return NOT_MANDATORY
    column, what, next_date = _DUES[kind]
    due = getattr(record, column)
    base = due_date_colour(due, today, thresholds=thresholds, what=what)
    if renewal is not None and renewal.issued_on <= today:
        reason = f"已由 {renewal.licence_no}(发证日期 {renewal.issued_on})延续"
        return ColourDecision(Colour.green, reason, None, rule="licence_renewed")
    if base.colour is not Colour.red:
        return base
    first_red = red_from(kind, record)
    done = [d for d in corrections if first_red <= d <= today]
    if not done:
        return base
    on = min(done)
    was = f"{what}应于 {due} 前完成" if due is not None else f"此前无{what}记录"
    reason = f"已于 {on} 整改({was});新的{next_date}待{source_name(record.source_system)}报送"
    return ColourDecision(Colour.green, reason, None, rule="corrected", corrected_on=on)


def record_colours(f: Any, today: date, thresholds: Thresholds | None = None) -> RecordColours:
    """The colours of the equipment, instruments, licences and operators of `f` (Facts, or
    anything with those lists, `corrections` and `derived`) on `today` (`thresholds`: the
    defaults when None)."""
    fixed = correction_days(f)
    decisions: dict[Key, ColourDecision] = {}
    titles: dict[Key, str] = {}
    rows = (
        ("special_equipment", f.equipment),
        ("measuring_instrument", f.instruments),
        ("licence", f.licences),
        ("operator", f.operators),
    )
    for kind, records in rows:
        for r in records:
            key = key_of(kind, r)
            renewal = renewal_of(r, f.licences, today) if kind == "licence" else None
            decisions[key] = record_colour(
                kind,
                r,
                today,
                corrections=fixed.get(key, ()),
                renewal=renewal,
                thresholds=thresholds,
            )
            titles[key] = title_of(kind, r)
    return RecordColours(decisions, _overall(decisions, titles))


def _overall(decisions: dict[Key, ColourDecision], titles: dict[Key, str]) -> ColourDecision | None:
    counted = {k: d for k, d in decisions.items() if d.rule != NOT_MANDATORY.rule}
    worst = worst_colour(d.colour for d in counted.values())
    if worst is None:
        return None
    behind = [f"{titles[k]}:{d.reason}" for k, d in counted.items() if d.colour is worst]
    label = COLOUR_LABELS[worst]
    if worst is Colour.green:
        reason = f"{len(counted)} 项到期事项均为绿色"
    else:
        shown = ";".join(behind[:3]) + (f" 等 {len(behind)} 项" if len(behind) > 3 else "")
        reason = f"{len(behind)} 项{label}预警:{shown}"
    changes = [d.changes_on for d in counted.values() if d.changes_on is not None]
    return ColourDecision(worst, reason, min(changes, default=None), rule="overall_colour")
