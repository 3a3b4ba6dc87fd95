"""Rule `bad_record_from_warning`: a red warning becomes a published bad record (不良信息).

Red warnings (portal.rules.colours): special equipment overdue for its periodic inspection, a
mandatory measuring instrument overdue or never verified, a licence expired and not renewed in
time. The bad record starts, and is published, on the first red day (due + 1), or on the day the
record itself became public when that is later; it is minor (portal.rules.periods).

It is corrected (which stops its upgrade, portal.rules.engine) by a `correction` record naming
the record that caused it, dated on or after the first red day; by a licence renewed late (on its
issue day); or by a newer version of the record that no longer shows this red warning (e.g.
equipment inspected again): the bad record then stays, corrected on the new inspection or
verification day. A correction dated before the bad record would be published prevents it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from portal.domain import EQUIPMENT_LABELS, CreditList, EquipmentKind
from portal.rules.colours import add_days
from portal.rules.facts import Facts
from portal.rules.model import (
    RULES_SYSTEM,
    DerivedDesignation,
    Ref,
    iso,
    public_day,
    record_title,
    rule_key,
    source_name,
)
from portal.rules.periods import WARNING_BAD_RECORD_SEVERITY
from portal.storage.models import Licence, MeasuringInstrument, SpecialEquipment

RULE = "bad_record_from_warning"
RULE_NAME = "红色预警升级为不良信息"
UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Cause:
    """One red warning of one record."""

    ref: Ref
    version: int
    # The first red day, and what identifies this red episode of the record ("unverified", or
    # the first red day) in the bad record's key.
    red_from: date
    tag: str
    title: str
    finding: str
    due: date | None
    # The day the rule fires: the first red day, or the record's publication if later.
    fires_on: date
    # When a licence was renewed late (a resolution like a correction).
    renewed_on: date | None = None


def _label(kind: str) -> str:
    try:
        return EQUIPMENT_LABELS[EquipmentKind(kind)]
    except ValueError:
        return kind


def _equipment_cause(e: SpecialEquipment) -> Cause:
    due = e.next_inspection_due
    red = add_days(due, 1)
    return Cause(
        Ref("special_equipment", e.source_system, e.source_record_id),
        e.source_version,
        red,
        red.isoformat(),
        f"{_label(e.kind)} {e.registration_no} 超期未检验",
        f"特种设备定期检验应于 {due} 前完成,{red} 起超期(红色预警)",
        due,
        max(red, public_day(e)),
    )


def _instrument_cause(m: MeasuringInstrument) -> Cause | None:
    if not m.mandatory_verification:
        return None
    ref = Ref("measuring_instrument", m.source_system, m.source_record_id)
    due = m.next_verification_due
    if due is None:
        red = public_day(m)
        title = f"强制检定计量器具 {m.name} {m.instrument_no} 未经检定"
        finding = "强制检定计量器具无检定记录(红色预警)"
        return Cause(ref, m.source_version, red, UNVERIFIED, title, finding, None, red)
    red = add_days(due, 1)
    title = f"强制检定计量器具 {m.name} {m.instrument_no} 超期未检定"
    finding = f"强制检定应于 {due} 前完成,{red} 起超期(红色预警)"
    return Cause(
        ref, m.source_version, red, red.isoformat(), title, finding, due, max(red, public_day(m))
    )


def renewal_of(licence: Licence, licences: list[Licence], today: date) -> Licence | None:
    """The earliest later licence of the same kind issued by `today`: its renewal, if any."""
    later = [
        other
        for other in licences
        if other is not licence
        and other.kind == licence.kind
        and other.issued_on > licence.issued_on
        and other.expires_on > licence.expires_on
        and other.issued_on <= today
    ]
    return min(later, key=lambda other: (other.issued_on, other.id), default=None)


def _licence_cause(lic: Licence, licences: list[Licence], today: date) -> Cause | None:
    renewal = renewal_of(lic, licences, today)
    if renewal is not None and renewal.issued_on <= lic.expires_on:
        return None  # renewed in time: never red
    red = add_days(lic.expires_on, 1)
    return Cause(
        Ref("licence", lic.source_system, lic.source_record_id),
        lic.source_version,
        red,
        red.isoformat(),
        f"{lic.kind} {lic.licence_no} 到期未延续",
        f"许可证有效期至 {lic.expires_on},到期未延续(红色预警)",
        lic.expires_on,
        max(red, public_day(lic)),
        renewal.issued_on if renewal is not None else None,
    )


def raw_causes(f: Facts, today: date) -> list[Cause]:
    """Every red-warning cause the enterprise's records show (whether or not it fired yet)."""
    causes: list[Cause | None] = [_equipment_cause(e) for e in f.equipment]
    causes += [_instrument_cause(m) for m in f.instruments]
    causes += [_licence_cause(lic, f.licences, today) for lic in f.licences]
    return [c for c in causes if c is not None]


def corrections_of(f: Facts, ref: Ref, since: date, today: date) -> list[date]:
    """The days of the public corrections of `ref` dated from `since` to `today`."""
    return sorted(
        c.corrected_on
        for c in f.corrections
        if (c.target_kind, c.target_system, c.target_record_id) == (ref.kind, *ref.identity)
        and since <= c.corrected_on <= today
    )


def _text(ref: Ref, record: Any, fires: date, finding: str) -> str:
    """The bad record's derivation in words: the rule, the day, the source system by its Chinese
    name and the record by its number (the machine identities are in `derivation.records`)."""
    title = record_title(ref.kind, record)
    return (
        f"由规则“{RULE_NAME}”于 {fires} 根据{source_name(ref.system)}报送的“{title}”记录生成:"
        f"{finding}"
    )


def _finding(kind: str, due: date | None) -> str:
    """What the red warning was, from the kind of record and its due date."""
    if due is None:
        return "强制检定计量器具无检定记录(红色预警)"
    red = add_days(due, 1)
    if kind == "special_equipment":
        return f"特种设备定期检验应于 {due} 前完成,{red} 起超期(红色预警)"
    if kind == "measuring_instrument":
        return f"强制检定应于 {due} 前完成,{red} 起超期(红色预警)"
    return f"许可证有效期至 {due},到期未延续(红色预警)"


def _bad_record(
    f: Facts, cause: Cause, record: Any, corrected_on: date | None
) -> DerivedDesignation:
    ref, fires = cause.ref, cause.fires_on
    text = _text(ref, record, fires, cause.finding)
    return DerivedDesignation(
        key=rule_key(CreditList.bad_records, ref.kind, ref.system, ref.record_id, cause.tag),
        uscc=f.uscc,
        list_name=CreditList.bad_records,
        title=f"{f.name}:{cause.title}"[:300],
        reason=f"{cause.finding},依规则列为不良信息并公布",
        severity=WARNING_BAD_RECORD_SEVERITY,
        starts_on=fires,
        published_on=fires,
        rule=RULE,
        records=(ref.as_json(cause.version),),
        text=text,
        corrected_on=corrected_on,
        extra={"tag": cause.tag, "due": iso(cause.due) if cause.due else None},
    )


def warning_bad_records(f: Facts, today: date) -> list[DerivedDesignation]:
    """The bad records the red warnings of `f` call for on `today`, the sticky ones included."""
    out: list[DerivedDesignation] = []
    raw = raw_causes(f, today)
    for cause in raw:
        if cause.fires_on > today:
            continue
        resolved = corrections_of(f, cause.ref, cause.red_from, today)
        if cause.renewed_on is not None and cause.renewed_on <= today:
            resolved.append(cause.renewed_on)
        first = min(resolved, default=None)
        if first is not None and first < cause.fires_on:
            continue  # corrected before it would have been published
        out.append(_bad_record(f, cause, _find(f, cause.ref), first))
    wanted = {d.key for d in out}
    tags = {(c.ref, c.tag) for c in raw}
    for row in f.derived:
        sticky = _sticky(f, row, wanted, tags, today)
        if sticky is not None:
            out.append(sticky)
    return out


def _sticky(
    f: Facts, row: Any, wanted: set[str], tags: set[tuple[Ref, str]], today: date
) -> DerivedDesignation | None:
    """A published derived bad record whose record changed so that it no longer shows this red
    warning: kept, corrected on the day the new version shows (None: not sticky)."""
    derivation = row.derivation or {}
    if (
        derivation.get("rule") != RULE
        or row.withdrawn
        or row.source_record_id in wanted
        or row.published_on is None
        or row.published_on > today
        or not derivation.get("records")
    ):
        return None
    first = derivation["records"][0]
    ref = Ref(first["kind"], first["system"], first["id"])
    record = _find(f, ref)
    if record is None or (ref, derivation.get("tag")) in tags:
        return None  # withdrawn or not public, or the same red warning corrected in advance
    due = date.fromisoformat(derivation["due"]) if derivation.get("due") else None
    evidence = max(_evidence(f, record, due, today), row.starts_on)
    named = corrections_of(f, ref, row.starts_on, today)
    resolved = named + ([evidence] if evidence <= today else [])
    corrected = min(resolved, default=None)
    # Rebuilt from the stored facts each time (never appended to the stored text).
    text = _text(ref, record, row.published_on, _finding(ref.kind, due))
    if corrected is not None and named and min(named) == corrected:
        text += f";已于 {corrected} 整改(整改纠正记录)"
    elif corrected is not None:
        text += f";{source_name(ref.system)}报送的新版本记录显示已于 {corrected} 改正"
    return DerivedDesignation(
        key=row.source_record_id,
        uscc=f.uscc,
        list_name=row.list_name,
        title=row.title,
        reason=row.reason,
        severity=row.severity or WARNING_BAD_RECORD_SEVERITY,
        starts_on=row.starts_on,
        published_on=row.published_on,
        rule=RULE,
        records=tuple(derivation["records"]),
        text=text,
        products=tuple(row.products or ()),
        health_or_safety_risk=row.health_or_safety_risk,
        corrected_on=corrected,
        extra={k: derivation.get(k) for k in ("tag", "due")},
    )


def _find(f: Facts, ref: Ref) -> Any:
    pools: dict[str, list[Any]] = {
        "special_equipment": list(f.equipment),
        "measuring_instrument": list(f.instruments),
        "licence": list(f.licences),
    }
    pool = pools.get(ref.kind, [])
    return next((r for r in pool if (r.source_system, r.source_record_id) == ref.identity), None)


def _evidence(f: Facts, record: Any, due: date | None, today: date) -> date:
    """The day a newer version shows the red warning was dealt with: the new inspection or
    verification (on or after the old due date), the renewal of a licence, or else the day the
    newer version was published."""
    if isinstance(record, SpecialEquipment):
        done = record.last_inspected_on
    elif isinstance(record, MeasuringInstrument):
        done = record.last_verified_on
    else:
        renewal = renewal_of(record, f.licences, today)
        done = renewal.issued_on if renewal is not None else record.issued_on
    if done is not None and (due is None or done >= due):
        return done
    return public_day(record)


def with_correction(d: DerivedDesignation, corrected_on: date | None) -> DerivedDesignation:
    return d if corrected_on == d.corrected_on else replace(d, corrected_on=corrected_on)


__all__ = ["RULES_SYSTEM", "Cause", "raw_causes", "warning_bad_records", "with_correction"]
