"""portal.privacy: personal data in free text is found exactly (IDs by their check character,
telephone numbers by the numbering plan) and masked recognisably; codes, dates, record numbers and
amounts of money of the demo data's real texts are left alone."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ingest.sample_data import FILES, write_sample_data
from portal.codes import is_uscc, make_uscc
from portal.privacy import (
    PersonalData,
    find_personal_data,
    is_resident_id,
    luhn_valid,
    mask_text,
    resident_id_check_char,
)

# Valid resident ID numbers (GB 11643 check characters), one ending in X; a Luhn-valid card.
ID = "610302198807150026"
ID_X = "61030219850612000X"
ID_OLD = "610323750301451"  # 15 digits, born 1975-03-01
CARD = "6222023700123456784"
CARD_SPACED = " ".join(CARD[i : i + 4] for i in range(0, 19, 4))

# Texts as complainants and clerks write them: the fixture the demo generator does not have.
REALISTIC = {
    f"消费者王某某(身份证号{ID},联系电话13891712345)反映该企业生产的酿造食醋无中文标识": (
        "消费者王某某(身份证号6103**********0026,联系电话138****2345)反映该企业生产的酿造食醋无中文标识"
    ),
    "举报人李女士,手机 +86 139 1234 5678,座机 0917-3212345,要求回复": (
        "举报人李女士,手机 +86 139 **** 5678,座机 0917-***2345,要求回复"
    ),
    "投诉人联系方式:(029)88881234 转 8001;邮箱 zhangsan.li@163.com": (
        "投诉人联系方式:(029)****1234 转 8001;邮箱 z***@163.com"
    ),
    f"经调解,企业已将退款 3,200 元转入投诉人银行卡 {CARD_SPACED}": (
        "经调解,企业已将退款 3,200 元转入投诉人银行卡 6222 **** **** ***6 784"
    ),
    f"当事人张某,身份证{ID_X.lower()},手机138-1234-5678": (
        "当事人张某,身份证6103**********000x,手机138-****-5678"
    ),
    f"原经营者身份证号码:{ID_OLD}(旧证)": "原经营者身份证号码:6103*******1451(旧证)",
    "电话13812345678。": "电话138****5678。",
    "来电号码 8613812345678": "来电号码 86138****5678",
    # Full-width digits, as typed with a Chinese input method.
    "手机:13812345678": "手机:138****5678",
}


@pytest.mark.parametrize(("text", "masked"), REALISTIC.items())
def test_realistic_personal_data_is_masked_keeping_its_ends(text: str, masked: str) -> None:
    assert mask_text(text) == masked
    assert mask_text(masked) == masked  # masking twice changes nothing


def test_what_is_found_is_said_by_kind() -> None:
    text = f"身份证{ID},手机13891712345,座机0917-3212345,邮箱a@b.cn,卡号{CARD}"
    kinds = [f.kind for f in find_personal_data(text)]
    assert kinds == [
        PersonalData.resident_id,
        PersonalData.mobile,
        PersonalData.landline,
        PersonalData.email,
        PersonalData.bank_card,
    ]


def test_a_resident_id_needs_its_check_character() -> None:
    assert resident_id_check_char(ID[:17]) == ID[17]
    assert is_resident_id(ID) and is_resident_id(ID_X) and is_resident_id(ID_X.lower())
    # A wrong check digit (and, as it happens, no valid card number either).
    wrong = ID[:17] + "1"
    assert not is_resident_id(wrong) and not luhn_valid(wrong)
    assert mask_text(f"身份证号{wrong}") == f"身份证号{wrong}"
    # Not a real date of birth (1992-02-30), whatever the check character.
    body = "61030319920230008"
    assert not is_resident_id(body + resident_id_check_char(body))
    # A province that does not exist (99).
    body = "99030219880715002"
    assert not is_resident_id(body + resident_id_check_char(body))


def test_an_old_15_digit_id_only_when_named() -> None:
    # The same digits are as often an old business registration number.
    assert mask_text(f"注册号{ID_OLD}") == f"注册号{ID_OLD}"
    assert mask_text(f"证件号:{ID_OLD}") == "证件号:6103*******1451"


def test_luhn() -> None:
    assert luhn_valid(CARD) and luhn_valid("4367420012345673")
    assert not luhn_valid(CARD[:-1] + "5")
    assert mask_text(f"卡号{CARD[:-1]}5") == f"卡号{CARD[:-1]}5"


def test_an_all_digit_uscc_that_also_passes_the_id_check_is_a_uscc() -> None:
    # A public institution's USCC (registration 12) whose digits make a plausible ID.
    uscc = make_uscc("12", "110119", "85061203")
    assert uscc.isdigit() and is_uscc(uscc) and resident_id_check_char(uscc[:17]) == uscc[17]
    assert mask_text(f"统一社会信用代码{uscc}") == f"统一社会信用代码{uscc}"


# Codes, numbers and dates the demo data and the bureau's texts really carry.
NOT_PERSONAL = [
    "91610304757938930W",  # USCC
    "9161030021828101XY",
    "916103052515792641",  # an all-digit USCC
    "MA689HD89",  # organisation code
    "SC12661030419950",  # food production licence
    "(陕)XK14-676-16776",  # industrial product licence
    "陕制20212521",
    "宝质监罚字〔2025〕7504号",  # case number
    "宝质监责改〔2026〕18530号",  # notice number
    "容26陕C04991",  # equipment registration
    "宝特安告2024-10692",  # installation filing
    "T6103000021804",  # operator certificate
    "Q161030012345678",
    "BJ00029188",  # instrument number
    "JZ-SE-00000563",  # record id
    "批次20250503",
    "行车超期未检验(应于2025-11-09前检验)",
    "工业产品生产许可证已于2026-09-18到期,未申请延续",
    "罚款人民币2万元,没收违法所得",
    "罚款人民币50000元,没收违法所得人民币123456.78元",
    "罚款 1,250,000.00 元",
    "2026-05-28T11:01:00+08:00",
    "2024/05/12 21:30",
    "拨打12315热线投诉",
    "全国服务热线 400-800-1234",
    "GB/T 25137-2010",
    "由规则“逾期未改正升级”于 2026-12-08 根据不良信息 quality_inspection/DES-000123 生成",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_codes_dates_and_amounts_are_not_personal_data(text: str) -> None:
    assert find_personal_data(text) == []
    assert mask_text(text) == text


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:+]+)?")


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_nothing_in_the_demo_data_is_taken_for_personal_data(tmp_path: Path) -> None:
    """Every text of the demo data set (codes, licence and record numbers, batch numbers,
    penalties, reasons, summaries, addresses, names) is left as it is."""
    write_sample_data(tmp_path, enterprises=300, seed=2013, today=date(2026, 11, 24))
    texts = {
        s
        for name in FILES
        for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("{")
        for s in _strings(_loads(line))
        if not _DATE.fullmatch(s)
    }
    assert len(texts) > 5000
    found = {t: find_personal_data(t) for t in texts}
    assert {t: f for t, f in found.items() if f} == {}


def _loads(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return {}  # the deliberately broken lines of the rejected examples
