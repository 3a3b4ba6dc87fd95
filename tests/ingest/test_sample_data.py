"""The demo data generator: deterministic, valid, realistic enough, and with the article's cases."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from ingest import sample_pools
from ingest.parsing import RecordError, parse_record
from ingest.sample_data import FILES, PENGSHENGXIN, REJECTIONS, WEILI, write_sample_data
from portal.codes import validate_org_code, validate_uscc
from portal.domain import COMPLAINT_CHANNELS, DISTRICTS, INDUSTRIES, Colour, CreditList
from portal.rules import add_months, due_date_colour

TODAY = date(2026, 11, 24)
ENTERPRISES = 1000
GOOD_FILES = [name for name in FILES if name != "rejected-examples.jsonl"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sample")
    return out, write_sample_data(out, enterprises=ENTERPRISES, seed=2013, today=TODAY)


@pytest.fixture(scope="module")
def records(sample: tuple[Path, dict[str, int]]) -> list[dict[str, Any]]:
    out, _ = sample
    return [json.loads(line) for name in GOOD_FILES for line in _lines(out / name)]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _of_kind(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [record["data"] for record in records if record["kind"] == kind]


def _colour(due: str | None) -> Colour:
    return due_date_colour(date.fromisoformat(due) if due else None, TODAY).colour


def test_same_seed_and_today_give_the_same_bytes(
    sample: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, counts = sample
    again = write_sample_data(tmp_path / "a", enterprises=ENTERPRISES, seed=2013, today=TODAY)
    assert again == counts
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (out / name).read_bytes(), name
    write_sample_data(tmp_path / "b", enterprises=ENTERPRISES, seed=7, today=TODAY)
    name = "special_equipment.jsonl"
    assert (tmp_path / "b" / name).read_bytes() != (out / name).read_bytes()


def test_counts_are_the_lines_of_each_file(sample: tuple[Path, dict[str, int]]) -> None:
    out, counts = sample
    assert list(counts) == list(FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    for name, count in counts.items():
        assert len(_lines(out / name)) == count, name
    assert counts["org_code_registry.jsonl"] == ENTERPRISES


def test_every_line_is_json_but_the_deliberately_broken_one(
    sample: tuple[Path, dict[str, int]],
) -> None:
    out, _ = sample
    broken = []
    for name in FILES:
        for number, line in enumerate(_lines(out / name), 1):
            try:
                assert isinstance(json.loads(line), dict)
            except json.JSONDecodeError:
                broken.append((name, number))
    assert broken == [("rejected-examples.jsonl", REJECTIONS.index("broken_json") + 1)]


def test_enterprises_have_valid_unique_codes_and_baoji_places(
    records: list[dict[str, Any]],
) -> None:
    enterprises = _of_kind(records, "enterprise")
    assert len(enterprises) == ENTERPRISES
    assert len({e["uscc"] for e in enterprises}) == ENTERPRISES
    for e in enterprises:
        assert validate_uscc(e["uscc"]) == e["uscc"]
        assert validate_org_code(e["org_code"]) == e["org_code"] == e["uscc"][8:17]
        assert e["district"] in DISTRICTS and e["industry"] in INDUSTRIES
        assert e["name"].startswith(("宝鸡", "陕西")) and e["name"].endswith(("公司", "厂"))
    assert len({e["name"] for e in enterprises}) > 0.98 * ENTERPRISES
    assert {e["district"] for e in enterprises} == set(DISTRICTS)
    assert {e["industry"] for e in enterprises} == set(INDUSTRIES)
    titanium = sum(e["industry"] == "有色金属(钛及钛合金)" for e in enterprises)
    assert 0.07 < titanium / ENTERPRISES < 0.14
    assert any(e.get("former_names") for e in enterprises)


def test_every_record_names_a_known_enterprise_and_ids_are_unique(
    records: list[dict[str, Any]],
) -> None:
    usccs = {e["uscc"] for e in _of_kind(records, "enterprise")}
    assert all(record["data"]["uscc"] in usccs for record in records)
    identities = Counter(
        (r["source"]["system"], r["source"]["record_id"], r["source"]["version"]) for r in records
    )
    assert max(identities.values()) == 1
    assert 8 < len(records) / ENTERPRISES < 12  # about ten records per enterprise


def test_special_equipment_due_dates_take_every_colour(records: list[dict[str, Any]]) -> None:
    equipment = _of_kind(records, "special_equipment")
    colours = Counter(_colour(e["next_inspection_due"]) for e in equipment)
    assert set(colours) == set(Colour)
    assert colours[Colour.green] > colours[Colour.yellow] > colours[Colour.red]
    assert any("manufacturer" not in e for e in equipment)
    assert any("installation_filing" not in e for e in equipment)


def test_instruments_and_licences_take_every_colour(records: list[dict[str, Any]]) -> None:
    instruments = _of_kind(records, "measuring_instrument")
    mandatory = [i for i in instruments if i["mandatory_verification"]]
    assert {_colour(i.get("next_verification_due")) for i in mandatory} == set(Colour)
    assert any(i.get("next_verification_due") is None for i in mandatory)  # never verified
    licences = _of_kind(records, "licence")
    assert {_colour(lic["expires_on"]) for lic in licences} == set(Colour)
    operators = _of_kind(records, "operator")
    assert any(o["certificate_expires_on"] < str(TODAY) for o in operators)


def test_every_complaint_channel_occurs_as_its_source_system(
    records: list[dict[str, Any]],
) -> None:
    complaints = [r for r in records if r["kind"] == "complaint"]
    assert {c["data"]["channel"] for c in complaints} == set(COMPLAINT_CHANNELS)
    assert all(c["source"]["system"] == c["data"]["channel"] for c in complaints)


def test_every_credit_list_occurs_in_the_last_months(records: list[dict[str, Any]]) -> None:
    designations = _of_kind(records, "designation")
    assert {d["list"] for d in designations} == set(CreditList)
    for d in designations:
        assert str(TODAY - timedelta(days=400)) < d["starts_on"] <= str(TODAY)
        if d["list"] == "exemplary":
            assert d["ends_on"] > str(TODAY)
        if d["list"] == "quality_safety_warning":
            assert d["products"] and d["health_or_safety_risk"] is True
            assert d["title"].endswith("抽检不合格")


def test_inspections_notices_and_cases_vary(records: list[dict[str, Any]]) -> None:
    samplings = _of_kind(records, "sampling_inspection")
    failed = [s for s in samplings if s["result"] == "fail"]
    assert 0.03 < len(failed) / len(samplings) < 0.15
    assert all(s["failed_items"] for s in failed)
    notices = _of_kind(records, "rectification_notice")
    assert {len(n["items"]) for n in notices} == {1, 2, 3, 4}
    assert any(n.get("rectified_on") for n in notices)
    open_ = [n for n in notices if not n.get("rectified_on")]
    assert any(n.get("deadline", "9") < str(TODAY) for n in open_)  # overdue
    assert any(n.get("refused") for n in notices) and any(n.get("serious") for n in notices)
    cases = _of_kind(records, "enforcement_case")
    assert {c["endangers_health_or_safety"] for c in cases} == {True, False}
    assert any(r["source"]["system"] == "fibre_inspection" for r in records)


def test_provenance_is_mostly_vetted_and_published(records: list[dict[str, Any]]) -> None:
    vetted = [r for r in records if r["vetting"] is not None]
    assert 0.95 < len(vetted) / len(records) < 1
    assert all(r["vetting"]["approved_at"][:10] < r["published_on"] for r in vetted)
    assert all(r["vetting"]["approved_at"].endswith("+08:00") for r in vetted)
    assert any(r["withdrawn"] for r in records)
    assert any(r["published_on"] > str(TODAY) for r in records)
    assert {r["source"]["version"] for r in records} == {1, 2, 3}  # 3: 鹏盛鑫's crane


def test_the_articles_enterprises(records: list[dict[str, Any]]) -> None:
    enterprises = {e["name"]: e for e in _of_kind(records, "enterprise")}
    shen = enterprises[PENGSHENGXIN]
    assert shen["legal_representative"] == "沈鹏"
    # Found without maker data or filing, overdue; inspected and recorded as corrected a week
    # later, with the new inspection dates (version 2); filed when the notice was rectified (3).
    found, inspected, filed = [
        e for e in _of_kind(records, "special_equipment") if e["uscc"] == shen["uscc"]
    ]
    assert found["kind"] == "crane" and found["model"] == "行吊"
    assert "manufacturer" not in found and "installation_filing" not in found
    assert _colour(found["next_inspection_due"]) is Colour.red
    assert _colour(inspected["next_inspection_due"]) is Colour.green
    assert "manufacturer" not in inspected
    assert filed["manufacturer"] and filed["installation_filing"]
    corrected = [c for c in _of_kind(records, "correction") if c["uscc"] == shen["uscc"]]
    assert {c["target"]["kind"] for c in corrected} == {"special_equipment", "measuring_instrument"}
    assert {c["corrected_on"] for c in corrected} == {inspected["last_inspected_on"]}
    # A month to rectify; rectified in time (a second version).
    notice, rectified = [
        n for n in _of_kind(records, "rectification_notice") if n["uscc"] == shen["uscc"]
    ]
    issued = TODAY - timedelta(days=20)
    assert notice["issued_on"] == str(issued) and len(notice["items"]) == 3
    assert notice["deadline"] == str(add_months(issued, 1))
    assert str(issued) < rectified["rectified_on"] <= notice["deadline"]
    assert all(item["rectified"] for item in rectified["items"])
    weili = enterprises[WEILI]
    assert weili["legal_representative"].startswith("童")
    assert any(n["uscc"] == weili["uscc"] for n in _of_kind(records, "rectification_notice"))
    shown = [r for r in records if r["data"]["uscc"] in (shen["uscc"], weili["uscc"])]
    assert all(r["vetting"] and not r["withdrawn"] for r in shown)
    assert all(r["published_on"] <= str(TODAY) for r in shown)


def test_rejected_examples_hold_one_line_per_failure(sample: tuple[Path, dict[str, int]]) -> None:
    out, counts = sample
    lines = _lines(out / "rejected-examples.jsonl")
    assert counts["rejected-examples.jsonl"] == len(lines) == len(REJECTIONS)
    assert "-02-30" in lines[REJECTIONS.index("impossible_date")]
    assert '"kind":"factory_visit"' in lines[REJECTIONS.index("unknown_kind")]
    assert "宝鸡县" in lines[REJECTIONS.index("unknown_district")]


def test_records_validate_with_the_ingest_models(sample: tuple[Path, dict[str, int]]) -> None:
    out, _ = sample
    for name in GOOD_FILES:
        for line in _lines(out / name):
            parse_record(line)
    lines = _lines(out / "rejected-examples.jsonl")
    for failure, line in zip(REJECTIONS, lines, strict=True):
        if failure == "unknown_uscc":  # valid on its own: the loader finds no such enterprise
            parse_record(line)
        else:
            with pytest.raises(RecordError):
                parse_record(line)


def test_counts_scale_with_enterprises_and_progress_adds_up(
    sample: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    _, big = sample
    steps: list[int] = []
    small = write_sample_data(tmp_path, enterprises=2500 // 10, today=TODAY, progress=steps.append)
    assert sum(steps) == 250
    for name in GOOD_FILES:
        if name != "credit_designations.jsonl":
            assert small[name] < big[name], name
    assert sum(small.values()) * 3 < sum(big.values())
    tiny = write_sample_data(tmp_path / "tiny", enterprises=1, today=TODAY)
    assert tiny["org_code_registry.jsonl"] == 1
    assert tiny["rejected-examples.jsonl"] == len(REJECTIONS)
    with pytest.raises(ValueError):
        write_sample_data(tmp_path / "none", enterprises=0, today=TODAY)


def test_pool_strings_need_no_json_escaping() -> None:
    """The generator writes pool strings into JSON as they are."""

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            value = [*value, *value.values()]
        if isinstance(value, tuple | list):
            return [s for item in value for s in strings(item)]
        return []

    pools = [v for k, v in vars(sample_pools).items() if k.isupper()]
    for text in strings(pools):
        assert json.dumps(text, ensure_ascii=False) == f'"{text}"', text


def test_most_red_warnings_are_corrected_and_a_few_designations_repaired(
    records: list[dict[str, Any]],
) -> None:
    identities = {(r["kind"], r["source"]["system"], r["source"]["record_id"]) for r in records}
    corrections = _of_kind(records, "correction")
    assert corrections
    for c in corrections:
        target = c["target"]
        assert (target["kind"], target["system"], target["record_id"]) in identities
        assert c["corrected_on"] < str(TODAY)
    # Each correction comes with a newer version of its record that is no longer red, as the real
    # systems send it.
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in sorted(records, key=lambda r: r["source"]["version"]):
        latest[(r["kind"], r["source"]["system"], r["source"]["record_id"])] = r
    due = {"special_equipment": "next_inspection_due", "licence": "expires_on",
           "measuring_instrument": "next_verification_due"}  # fmt: skip
    for c in corrections:
        t = c["target"]
        if t["kind"] in due:
            newer = latest[(t["kind"], t["system"], t["record_id"])]
            assert newer["source"]["version"] >= 2, t
            assert newer["data"][due[t["kind"]]] > str(TODAY), t
    repairs = _of_kind(records, "credit_repair")
    designations = {
        (r["source"]["system"], r["source"]["record_id"]): r["data"]
        for r in records
        if r["kind"] == "designation"
    }
    for repair in repairs:
        target = designations[(repair["target"]["system"], repair["target"]["record_id"])]
        assert target["list"] == "bad_records" and target["corrected_on"]
        assert repair["applied_on"] <= repair["decided_on"] < str(TODAY)
