"""The demo's credit files do not contradict themselves, all of them: no record corrected but red,
no closed item in 一企一策, no exemplary enterprise listed with a bad record, blacklist entry or
quality-safety warning in force, the overall colour that of its parts (and of the search
document), the exemplary list and count those of the files, and any warning beside the badge
explained."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from ingest.sample_data import write_sample_data
from portal.cli import app
from portal.context import PortalContext
from portal.domain import Colour
from portal.readmodels.credit_file import CreditFile, get_credit_file
from portal.readmodels.lists import list_counts, list_enterprises_on
from portal.rules import worst_colour
from portal.rules.record_colours import red_from
from portal.search.documents import build_documents
from portal.server import create_app
from portal.settings import get_settings
from portal.storage.models import Correction, Enterprise
from tests.rules.test_ingest_runs_rules import portal_env  # noqa: F401 (a fixture)

TODAY = date(2026, 11, 24)
ADVERSE = {"bad_records", "blacklist", "quality_safety_warning"}
KINDS = {
    "licence": "licence",
    "equipment": "special_equipment",
    "instrument": "measuring_instrument",
}


def _contradictions(
    file: CreditFile, fixed: dict[tuple[str, str, str], list[date]], doc_colour: str | None
) -> list[str]:
    found: list[str] = []
    parts = []
    rows = {
        "licence": file.licences,
        "special_equipment": file.equipment,
        "measuring_instrument": file.instruments,
    }
    shown: dict[str, Colour] = {}
    for kind, coloured in rows.items():
        for c in coloured:
            r = c.record
            if kind == "measuring_instrument" and not r.mandatory_verification:
                continue
            parts.append(c.decision.colour)
            shown[r.source_record_id] = c.decision.colour
            done = fixed.get((kind, r.source_system, r.source_record_id), [])
            if c.decision.colour is Colour.red and any(d >= red_from(kind, r) for d in done):
                found.append(f"corrected but red: {r.source_record_id}")
    parts += [o.decision.colour for o in file.operators]
    if worst_colour(parts) != file.colour:
        found.append(f"overall {file.colour} but parts {worst_colour(parts)}")
    if doc_colour != (file.colour.value if file.colour else None):
        found.append(f"search colour {doc_colour} but file {file.colour}")
    for item in file.open_items:
        if item.kind in ("equipment", "instrument", "licence") and item.state not in (
            "yellow",
            "red",
        ):
            found.append(f"open item in state {item.state}: {item.title}")
    for n in file.rectification_notices:
        status = file.status(n)
        if n.items and all(i.rectified for i in n.items) and status.state != "closed":
            found.append(f"notice {n.notice_no} all rectified but {status.state}")
        listed = any(i.kind == "notice" and n.notice_no in i.title for i in file.open_items)
        if status.state == "closed" and listed:
            found.append(f"closed notice {n.notice_no} in 一企一策")
    for d in file.designations:
        records = (d.derivation or {}).get("records") or []
        corrected = d.corrected_on is not None and d.corrected_on <= TODAY
        red = bool(records) and shown.get(records[0]["id"]) is Colour.red
        if d.list_name == "bad_records" and corrected and red:
            found.append(f"bad record corrected but its record red: {records[0]['id']}")
    if "exemplary" in file.lists and set(file.lists) & ADVERSE:
        found.append(f"exemplary with {sorted(set(file.lists) & ADVERSE)} in force")
    return found


def test_every_credit_file_of_the_demo_agrees_with_itself(portal_env: Path) -> None:  # noqa: F811
    sample = portal_env / "sample"
    write_sample_data(sample, enterprises=400, today=TODAY)
    CliRunner().invoke(app, ["ingest", str(sample)])  # exits 1: the deliberate bad lines
    context = PortalContext.open(get_settings())
    problems: dict[str, list[str]] = {}
    exemplary: set[str] = set()
    warned: list[str] = []
    try:
        with context.session() as s:
            fixed: dict[tuple[str, str, str], list[date]] = defaultdict(list)
            for c in s.scalars(select(Correction).where(Correction.is_public(TODAY))):
                fixed[(c.target_kind, c.target_system, c.target_record_id)].append(c.corrected_on)
            docs = {d.uscc: d.colour for d in build_documents(s, TODAY)}
            usccs = s.scalars(select(Enterprise.uscc).where(Enterprise.is_public(TODAY))).all()
            for uscc in usccs:
                file = get_credit_file(s, uscc, TODAY)
                found = _contradictions(file, fixed, docs.get(uscc))
                if found:
                    problems[file.enterprise.name] = found
                if "exemplary" in file.lists:
                    exemplary.add(uscc)
                    if file.colour in (Colour.yellow, Colour.red):
                        warned.append(uscc)
            listed = {
                x.enterprise.uscc
                for x in list_enterprises_on(s, "exemplary", TODAY, limit=100).items
            }
            count = list_counts(s, TODAY)["exemplary"]
    finally:
        context.close()
    assert len(usccs) > 380  # a few enterprises are not vetted or not published yet
    assert problems == {}
    assert exemplary and listed == exemplary and count == len(exemplary)
    with TestClient(create_app(get_settings())) as client:
        for uscc in warned:
            assert "综合预警说明" in client.get(f"/enterprises/{uscc}").text
