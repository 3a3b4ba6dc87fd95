"""The hand-made records of the demo data set (sample_data.py): the article's two enterprises, and
the deliberately bad lines of rejected-examples.jsonl. Pure functions of their arguments; the
generator writes what they return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

from ingest import sample_pools as P
from portal.codes import USCC_ALPHABET
from portal.dates import add_months

PENGSHENGXIN, WEILI = "宝鸡市鹏盛鑫有色金属有限公司", "宝鸡市威利模料模具有限公司"
# The bad lines, one per kind of failure in turn; each line is otherwise valid.
REJECTIONS = (
    "uscc_check_character", "org_code_mismatch", "impossible_date", "unknown_kind",
    "unknown_district", "unknown_uscc", "broken_json", "expires_before_issued",
    "fail_without_items", "unknown_field", "notice_without_items", "unknown_equipment_kind",
    "approved_at_without_offset",
)  # fmt: skip
# Record ids below this serial belong to the article's enterprises.
ARTICLE_SERIALS = 100

Day = Callable[[int], str]  # a day offset from today as YYYY-MM-DD


class Record(NamedTuple):
    file: str
    kind: str
    record_id: str
    data: dict[str, Any] | str  # str: a raw line (not JSON)
    published: int  # day offset
    version: int = 1
    system: str = ""  # "": the file's system
    vetting: str = ""  # "": approved as usual


def _enterprise(i: int, uscc: str, name: str, rep: str, industry: str, day: Day) -> Record:
    address = P.ADDRESSES[i]
    data = {"uscc": uscc, "org_code": uscc[8:17], "name": name, "legal_representative": rep,
            "address": address, "district": address[3:6], "industry": industry,
            "scale": "small", "established_on": day(-4400 - 700 * i)}
    return Record("org_code_registry.jsonl", "enterprise", uscc, data, -400)


def pengshengxin(uscc: str, day: Day, today: date) -> list[Record]:
    """鹏盛鑫 (总经理沈鹏) rents a works whose crane (行吊) has no maker data and no installation
    filing; the bureau found three problems twenty days ago and gave a month to rectify them.
    The overdue crane and scales became bad records when their records were published (nineteen
    days ago: the bureau's bad records, as the rules had derived them on that day). 沈鹏 set to work
    at once: the crane was inspected and the scales verified a week later, recorded as
    `correction` records (within the 15 days: no upgrade to the blacklist), and the special-
    equipment and metrology systems sent newer versions with the new dates; the rectification was
    confirmed six days ago (version 2 of the notice: closed in time, no referral), and with it the
    crane's maker data and filing (version 3 of the crane). The real systems work this way: a
    correction comes with the record that shows it."""
    issued = today - timedelta(days=20)
    products = [
        Record("quality_inspection.jsonl", "product", f"CP-{n:08d}",
               {"uscc": uscc, "name": name, "category": "有色金属材料", "standard": std}, -300)
        for n, name, std in ((1, "TA2钛棒", "GB/T 2965"), (2, "TC4钛板", "GB/T 3621"))
    ]
    crane = {"uscc": uscc, "registration_no": "起13陕C00001", "kind": "crane", "model": "行吊",
             "location": "租用厂房一号车间", "next_inspection_due": day(-200)}
    inspected = crane | {"last_inspected_on": day(-12), "next_inspection_due": day(-12 + 730)}
    filed = inspected | {"manufacturer": P.EQUIPMENT_MAKERS["crane"][1],
                         "installation_filing": f"宝特安告{day(-6)[:4]}-00001"}
    scales = {"uscc": uscc, "instrument_no": "BJ00000001", "name": "电子台秤",
              "mandatory_verification": True, "last_verified_on": day(-500),
              "next_verification_due": day(-135)}
    verified = scales | {"last_verified_on": day(-12), "next_verification_due": day(-12 + 365)}
    notice = {"uscc": uscc, "notice_no": f"宝质监责改〔{issued.year}〕00001号",
              "issued_on": issued.isoformat(), "deadline": add_months(issued, 1).isoformat(),
              "items": [{"description": d, "rectified": r} for d, r in P.PENGSHENGXIN_ITEMS]}
    corrections = [
        Record(file, "correction", f"JZ-{rid}",
               {"uscc": uscc, "target": {"kind": kind, "system": system, "record_id": rid},
                "corrected_on": day(-12), "note": note}, -11)
        for file, kind, system, rid, note in (
            ("special_equipment.jsonl", "special_equipment", "special_equipment", "SE-00000003",
             "行吊已完成定期检验,正在补办安装告知和使用登记"),
            ("metrology.jsonl", "measuring_instrument", "metrology", "JL-00000004",
             "电子台秤已送检并检定合格"),
        )
    ]  # fmt: skip
    bad = [
        Record("credit_designations.jsonl", "designation", f"MD-{n:08d}",
               {"uscc": uscc, "list": "bad_records", "severity": "minor", "starts_on": day(-19),
                "title": f"{PENGSHENGXIN}:{title}", "corrected_on": day(-12),
                "reason": f"{finding},依规则列为不良信息并公布"}, -11, version=2,
               system="enforcement_inspection")
        for n, title, finding in (
            (9, "起重机械(行车、行吊) 起13陕C00001 超期未检验",
             f"特种设备定期检验应于 {day(-200)} 前完成,超期未检验(红色预警)"),
            (10, "强制检定计量器具 电子台秤 BJ00000001 超期未检定",
             f"强制检定应于 {day(-135)} 前完成,超期未检定(红色预警)"),
        )
    ]  # fmt: skip
    rectified = notice | {"rectified_on": day(-6), "items": [
        {"description": d, "rectified": True} for d, _ in P.PENGSHENGXIN_ITEMS]}
    return [
        _enterprise(0, uscc, PENGSHENGXIN, "沈鹏", P.TITANIUM, day),
        *products,
        Record("special_equipment.jsonl", "special_equipment", "SE-00000003", crane, -19),
        Record("metrology.jsonl", "measuring_instrument", "JL-00000004", scales, -19),
        Record("enforcement_inspection.jsonl", "rectification_notice", "ZG-00000005", notice, -19),
        *bad,
        *corrections,
        Record("special_equipment.jsonl", "special_equipment", "SE-00000003", inspected, -11,
               version=2),
        Record("metrology.jsonl", "measuring_instrument", "JL-00000004", verified, -11, version=2),
        Record("enforcement_inspection.jsonl", "rectification_notice", "ZG-00000005", rectified,
               -5, version=2),
        Record("special_equipment.jsonl", "special_equipment", "SE-00000003", filed, -5,
               version=3),
    ]


def weili(uscc: str, day: Day) -> list[Record]:
    """威利 (童经理): a notice that got the paperwork done at once."""
    truck = {"uscc": uscc, "registration_no": "车13陕C00002", "kind": "forklift",
             "model": "CPCD30内燃平衡重式叉车", "manufacturer": P.EQUIPMENT_MAKERS["forklift"][0],
             "installation_filing": f"宝特安告{day(-39)[:4]}-00002",
             "last_inspected_on": day(-39), "next_inspection_due": day(326)}
    notice = {"uscc": uscc, "notice_no": f"宝质监责改〔{day(-45)[:4]}〕00002号",
              "issued_on": day(-45), "deadline": day(-15), "rectified_on": day(-39),
              "items": [{"description": d, "rectified": r} for d, r in P.WEILI_ITEMS]}
    product = {"uscc": uscc, "name": "注塑模具", "category": "机床工具"}
    return [
        _enterprise(1, uscc, WEILI, "童建军", "机床工具", day),
        Record("quality_inspection.jsonl", "product", "CP-00000006", product, -300),
        Record("special_equipment.jsonl", "special_equipment", "SE-00000007", truck, -37),
        Record("enforcement_inspection.jsonl", "rectification_notice", "ZG-00000008", notice, -37,
               version=2),
    ]


def rejected(
    k: int, about: tuple[str, str, str], stranger: str, other_org_code: str, day: Day, year: int
) -> Record:
    """Bad line `k`: REJECTIONS[k % len(REJECTIONS)]. `about` is the (uscc, name, product) of a
    real enterprise; `stranger` a valid USCC of no enterprise; `other_org_code` a valid
    organisation code that is not the stranger's."""
    failure, (uscc, name, product) = REJECTIONS[k % len(REJECTIONS)], about
    file, rid = "rejected-examples.jsonl", f"BAD-{k:06d}"
    kind, system = "product", "quality_inspection"
    data: dict[str, Any] = {"uscc": uscc, "name": product, "category": "示例产品"}
    if failure in ("uscc_check_character", "org_code_mismatch", "unknown_district"):
        kind, system = "enterprise", "org_code_registry"
        data = {"uscc": stranger, "org_code": stranger[8:17], "name": f"{name}陈仓分公司",
                "district": "陈仓区", "industry": "其他"}
        if failure == "uscc_check_character":
            wrong = USCC_ALPHABET[(USCC_ALPHABET.index(stranger[17]) + 1) % 31]
            data["uscc"] = stranger[:17] + wrong
        elif failure == "org_code_mismatch":
            data["org_code"] = other_org_code
        else:
            data["district"] = "宝鸡县"  # 陈仓区's name until 2003
    elif failure in ("impossible_date", "fail_without_items"):
        kind = "sampling_inspection"
        data = {"uscc": uscc, "product_name": product, "sampled_on": day(-3),
                "result": "fail" if failure == "fail_without_items" else "pass", "failed_items": []}
        if failure == "impossible_date":
            data["sampled_on"] = f"{year}-02-30"
    elif failure == "unknown_kind":
        kind, data = "factory_visit", {"uscc": uscc, "visited_on": day(-3)}
    elif failure == "unknown_uscc":
        data["uscc"] = stranger
    elif failure == "expires_before_issued":
        kind = "licence"
        data = {"uscc": uscc, "licence_no": f"(陕)XK13-001-{k:05d}", "kind": "工业产品生产许可证",
                "issued_on": day(-10), "expires_on": day(-20)}
    elif failure == "unknown_field":
        data["colour"] = "银白色"
    elif failure == "notice_without_items":
        kind, system = "rectification_notice", "enforcement_inspection"
        data = {"uscc": uscc, "notice_no": f"宝质监责改〔示例〕{k}号", "issued_on": day(-5),
                "items": []}
    elif failure == "unknown_equipment_kind":
        kind, system = "special_equipment", "special_equipment"
        data = {"uscc": uscc, "registration_no": f"罐{k:05d}", "kind": "tank",
                "next_inspection_due": day(100)}
    elif failure == "approved_at_without_offset":
        vetting = f'{{"approved_by":"李明","approved_at":"{day(-3)}T09:30:00"}}'
        return Record(file, kind, rid, data, -2, system=system, vetting=vetting)
    elif failure == "broken_json":  # a line cut short
        raw = (f'{{"kind":"product","source":{{"system":"quality_inspection","record_id":"{rid}",'
               f'"version":1}},"data":{{"uscc":"{uscc}')
        return Record(file, kind, rid, raw, -2, system=system)
    return Record(file, kind, rid, data, -2, system=system)
