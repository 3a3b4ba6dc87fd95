"""Every credit rule for one enterprise on one day: `evaluate(facts, today)`.

A pure function of the enterprise's public records and `today` (and of the bad records the rules
published before: they persist once published, portal.rules.red_warnings). It returns what the
rules derive, the last public day of every designation (`display_until`), and the decision behind
each designation and notice, for the job (portal.rules.job) to materialise and for the credit file
to explain. Facts dated after `today` are not facts yet; transitions whose date is known ahead
(an upgrade on day 16, a display period's end, an exemplary designation's lapse) are dated ahead,
so that the public views stay right between two runs of the job.

Rules here:
- `bad_record_upgrade`: a bad record (derived or ingested) published on P and not corrected by
  P + grace (15 days, settings `bad_record_grace_days`) is upgraded on P + grace + 1: to a
  quality-safety warning when it endangers health or safety, else to the blacklist. Written ahead
  with that date; withdrawn if a correction dated in time arrives. A bureau entry on the target
  list starting from P to the upgrade day is taken as the upgrade itself. The bad record is shown
  until the day before its upgrade.
- display periods and credit repair by severity (portal.rules.periods);
- `exemplary_lapse` and `exemplary_suspension` (portal.rules.exemplary): an exemplary designation
  is shown until its `ends_on`, lapses on the first day a blacklist entry or quality-safety
  warning of the enterprise is in force, and is suspended while a bad record is in force.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from portal.domain import LIST_LABELS, CreditList, Severity
from portal.rules.colours import add_days
from portal.rules.evaluation import Entry, Evaluation, Identity
from portal.rules.exemplary import (
    current_suspension,
    lapse,
    suspension_reason,
    suspensions,
)
from portal.rules.facts import Facts
from portal.rules.model import (
    RULES_SYSTEM,
    Decision,
    DerivedDesignation,
    Ref,
    Thresholds,
    public_day,
    rule_key,
    source_name,
)
from portal.rules.notices import notice_decision, notice_outcomes
from portal.rules.open_items import open_items
from portal.rules.periods import (
    period_end,
    repair_from,
    repair_outcome,
    severity_label,
    severity_of,
)
from portal.rules.record_colours import record_colours
from portal.rules.red_warnings import corrections_of, warning_bad_records
from portal.storage.models import CreditRepair, Designation

UPGRADE_RULE, UPGRADE_NAME = "bad_record_upgrade", "不良信息逾期未改正升级"
SUSPENSION_RULE = "exemplary_suspension"


def evaluate(f: Facts, today: date, th: Thresholds | None = None) -> Evaluation:
    th = th or Thresholds()
    ev = Evaluation(f.uscc, today)
    listed, ev.cases = notice_outcomes(f, today)
    entries = [_ingested(row, f, today) for row in f.designations]
    entries += [_of_spec(d) for d in warning_bad_records(f, today)]
    entries += [_of_spec(d) for d in listed]
    repairs = _repairs(f)
    for e in entries:
        _corrections(e, f, today)
        _periods(e, repairs, today, th)
    upgrades = [_upgrade(e, f.uscc, entries, th) for e in entries]
    entries += [_periods(u, repairs, today, th) for u in upgrades if u is not None]
    for e in entries:
        if e.list_name != CreditList.exemplary:
            e.display_until = _min(e.display_until, _day_before(e.upgrade_on))
    for e in entries:
        if e.list_name == CreditList.exemplary:
            lapse(e, entries)
            e.suspensions = suspensions(e, entries)
            e.others = entries
    for e in entries:
        ev.display_until[e.identity] = e.display_until
        if e.list_name == CreditList.exemplary:
            ev.suspension[e.identity] = current_suspension(e.suspensions, today)
        ev.decisions[e.identity] = explain(e, today, th)
        if e.spec is not None:
            ev.designations.append(e.spec)
    ev.colours = record_colours(f, today, th)
    for n in f.notices:
        ev.notices[(n.source_system, n.source_record_id)] = notice_decision(n, today)
    ev.open_items = open_items(f, ev, entries, today, th)
    return ev


def _min(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


def _day_before(day: date | None) -> date | None:
    return None if day is None else add_days(day, -1)


def _ingested(row: Designation, f: Facts, today: date) -> Entry:
    corrected = row.corrected_on if row.corrected_on and row.corrected_on <= today else None
    return Entry(
        (row.source_system, row.source_record_id),
        row.list_name,
        row.title,
        severity_of(row.list_name, row.severity),
        row.starts_on,
        max(row.starts_on, public_day(row)),
        row.ends_on,
        corrected,
        row.health_or_safety_risk,
        tuple(row.products or ()),
        row.source_version,
    )


def _of_spec(d: DerivedDesignation) -> Entry:
    return Entry(
        d.identity,
        d.list_name,
        d.title,
        severity_of(d.list_name, d.severity),
        d.starts_on,
        d.published_on,
        None,
        d.corrected_on,
        d.health_or_safety_risk,
        d.products,
        1,
        spec=d,
    )


def _corrections(e: Entry, f: Facts, today: date) -> None:
    """Corrections naming the designation itself count like its own `corrected_on`."""
    if e.list_name != CreditList.bad_records:
        return
    named = corrections_of(f, Ref("designation", *e.identity), e.starts_on, today)
    corrected = min([d for d in (e.corrected_on, *named) if d is not None], default=None)
    if corrected != e.corrected_on:
        e.corrected_on = corrected
        if e.spec is not None:
            e.spec = replace(e.spec, corrected_on=corrected)


def _repairs(f: Facts) -> dict[Identity, list[CreditRepair]]:
    out: dict[Identity, list[CreditRepair]] = {}
    for r in f.repairs:
        out.setdefault((r.target_system, r.target_record_id), []).append(r)
    return out


def _periods(
    e: Entry, repairs: dict[Identity, list[CreditRepair]], today: date, th: Thresholds
) -> Entry:
    """The display end of `e` by its ends_on, severity and repairs (not yet upgrade or lapse)."""
    end = e.ends_on
    if e.severity is not None:
        end = _min(end, period_end(e.starts_on, e.severity, th))
        e.eligible_from = repair_from(e.starts_on, e.severity, th)
        e.repair = repair_outcome(repairs.get(e.identity, []), e.eligible_from, today)
        end = _min(end, _day_before(e.repair.effective_on))
    e.display_until = end
    return e


def _upgrade(e: Entry, uscc: str, entries: list[Entry], th: Thresholds) -> Entry | None:
    """The upgrade of a bad record not corrected in time: dates `e.upgrade_on`, and returns the
    derived entry (None when there is none to derive)."""
    if e.list_name != CreditList.bad_records:
        return None
    deadline = add_days(e.published, th.grace_days)
    if e.display_until is not None and e.display_until < deadline:
        return None  # no longer shown when the grace period ends
    if e.corrected_on is not None and e.corrected_on <= deadline:
        return None
    day = add_days(deadline, 1)
    target = CreditList.quality_safety_warning if e.health else CreditList.blacklist
    bureau = [
        x
        for x in entries
        if not x.derived and x.list_name == target and e.published <= x.starts_on <= day
    ]
    e.upgrade_to = target
    if bureau:
        e.upgrade_on = min(x.starts_on for x in bureau)
        e.upgraded_by_bureau = True
        return None
    e.upgrade_on = day
    system, record_id = e.identity
    label = LIST_LABELS[target]
    records = [Ref("designation", system, record_id).as_json(e.version)]
    if e.spec is not None:
        records += e.spec.records
    text = (
        f"由规则“{UPGRADE_NAME}”于 {day} 根据{source_name(system)}公布的不良信息“{e.title}”生成:"
        f"该不良信息于 {e.published} 公布,至 {deadline} 仍未改正"
    )
    spec = DerivedDesignation(
        key=rule_key(target, system, record_id),
        uscc=uscc,
        list_name=target,
        title=f"{e.title}(逾期未改正,升级为{label})"[:300],
        reason=(
            f"不良信息“{e.title}”于 {e.published} 公布后{th.grace_days}日内"
            f"(至 {deadline})仍未改正,依规则于 {day} 升级为{label}"
        ),
        severity=Severity.serious,
        starts_on=day,
        published_on=day,
        rule=UPGRADE_RULE,
        records=tuple(records),
        text=text,
        products=e.products,
        health_or_safety_risk=e.health,
    )
    return _of_spec(spec)


def explain(e: Entry, today: date, th: Thresholds) -> Decision:
    """Why the designation has its status on `today`, and what happens next and when."""
    label = LIST_LABELS.get(CreditList(e.list_name), e.list_name)
    until = e.display_until
    if e.starts_on > today or e.published > today:
        start = max(e.starts_on, e.published)
        return Decision("scheduled", f"将于 {start} 起列入{label}", start, f"将于 {start} 起公示")
    if until is not None and until < today:
        gone = add_days(until, 1)
        if e.upgrade_on is not None and e.upgrade_on == gone:
            to = LIST_LABELS[CreditList(e.upgrade_to or CreditList.blacklist)]
            return Decision("upgraded", f"逾期未改正,已于 {gone} 升级为{to}", rule=UPGRADE_RULE)
        if e.repair.effective_on is not None and e.repair.effective_on == gone:
            return Decision("repaired", e.repair.reason, rule="credit_repair")
        if e.lapse_on is not None and e.lapse_on == gone:
            return Decision("lapsed", f"企业于 {gone} 列入黑名单或质量安全预警,示范资格失效")
        return Decision("expired", f"公示期已于 {until} 届满,不再公示")
    parts = [_origin(e)]
    if e.list_name == CreditList.exemplary:
        for start, end in e.suspensions:
            if end is not None and end < today:
                continue
            why = suspension_reason(e, (start, end), e.others)
            if start <= today:
                back = None if end is None else add_days(end, 1)
                if back is not None and until is not None and back > until:
                    back = None
                change = f"将于 {back} 恢复示范资格" if back else None
                return Decision("suspended", f"{parts[0]};{why}", back, change, SUSPENSION_RULE)
            parts.append(f"将于 {start} 起暂停:{why}")
            return Decision("published", ";".join(parts), start, f"将于 {start} 起暂停示范资格")
        if until is not None:
            why = "示范资格失效" if e.lapse_on == add_days(until, 1) else "有效期届满"
            return Decision("published", parts[0], add_days(until, 1),
                            f"将于 {add_days(until, 1)} {why}")  # fmt: skip
        return Decision("published", parts[0])
    if e.list_name == CreditList.bad_records:
        if e.corrected_on is not None:
            parts.append(f"已于 {e.corrected_on} 改正")
        elif e.upgrade_on is None:
            parts.append("尚未改正")
    if e.repair.reason:
        parts.append(e.repair.reason)
    if e.eligible_from is not None and e.repair.effective_on is None:
        when = "已可" if e.eligible_from <= today else f"可于 {e.eligible_from} 起"
        parts.append(f"{when}申请信用修复")
    state = "corrected" if e.corrected_on is not None else "published"
    if e.upgrade_on is not None and e.upgrade_on > today:
        to = LIST_LABELS[CreditList(e.upgrade_to or CreditList.blacklist)]
        change = f"将于 {e.upgrade_on} 升级为{to},除非在此之前整改"
        if e.upgraded_by_bureau:
            change = f"将于 {e.upgrade_on} 升级为{to}"
        return Decision(state, ";".join(parts), e.upgrade_on, change, UPGRADE_RULE)
    if until is not None:
        gone = add_days(until, 1)
        return Decision(state, ";".join(parts), gone, f"将于 {gone} 起不再公示(公示期至 {until})")
    return Decision(state, ";".join(parts))


def stored_decision(d: Designation, today: date) -> Decision:
    """A designation's status from its stored columns alone (the dates the rules materialised):
    for lists, where the evaluation of each enterprise is not at hand."""
    text = (d.derivation or {}).get("text") or d.reason
    start = max(d.starts_on, d.published_on or d.starts_on)
    if start > today:
        return Decision("scheduled", f"将于 {start} 起公示", start, f"将于 {start} 起公示")
    until = _min(d.display_until, d.ends_on)
    if until is not None and until < today:
        return Decision("expired", f"公示期已于 {until} 届满,不再公示")
    state = "corrected" if d.corrected_on is not None and d.corrected_on <= today else "published"
    if until is None:
        return Decision(state, text)
    gone = add_days(until, 1)
    return Decision(state, text, gone, f"将于 {gone} 起不再公示(公示期至 {until})")


def _origin(e: Entry) -> str:
    severity = severity_label(e.severity)
    head = f"{severity}失信信息,{e.starts_on} 起公示" if severity else f"{e.starts_on} 起公示"
    if e.list_name == CreditList.exemplary:
        head = f"质量诚信示范企业,{e.starts_on} 起" + (f"至 {e.ends_on}" if e.ends_on else "")
    if e.spec is not None:
        return f"{head};{e.spec.text}"
    return head


__all__ = ["RULES_SYSTEM", "Entry", "Evaluation", "evaluate", "explain", "stored_decision"]
