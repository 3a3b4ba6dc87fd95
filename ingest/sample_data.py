"""The demo data set: Baoji enterprises and what the bureau's systems record about them, in the
ingest format (docs/ingest-format.md), one `.jsonl` file per source system.

Deterministic (one `random.Random(seed)`, no clock, every date an offset from `today`) and
streaming (enterprise by enterprise, each line written as it is made: flat memory). The hot records
are written with f-strings, several times faster than `json`; safe because their strings come from
sample_pools.py, which holds no quotes, backslashes or control characters. The hand-made records
(the article's enterprises, the rejected examples) are in sample_cases.py.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from ingest import sample_cases as C
from ingest import sample_pools as P
from ingest.sample_cases import PENGSHENGXIN, REJECTIONS, WEILI
from portal.codes import USCC_ALPHABET, make_org_code, make_uscc

FILES = (
    "org_code_registry.jsonl", "quality_inspection.jsonl", "fibre_inspection.jsonl",
    "special_equipment.jsonl", "metrology.jsonl", "enforcement_inspection.jsonl",
    "complaints.jsonl", "credit_designations.jsonl", "rejected-examples.jsonl",
)  # fmt: skip
ORG, QUALITY, FIBRE, SPECIAL, METRO, ENFORCE, COMPLAINTS, LISTS, REJECTED = range(len(FILES))
# The source system of each file's records ("": the record names it: complaints, lists, rejects).
SYSTEMS = ("org_code_registry", "quality_inspection", "fibre_inspection", "special_equipment",
           "metrology", "enforcement_inspection", "", "", "")  # fmt: skip
MAX_ENTERPRISES = 10_000_000  # the numeric organisation-code bodies run out beyond

_PAST, _FUTURE = 16_000, 4_000  # the day offsets from `today` records may use
_B = ("false", "true")
_FID = {name: fid for fid, name in enumerate(FILES)}
_T = TypeVar("_T")
Findings = list[tuple[int, str]]  # an enterprise's open problems: (since: day offset, text)


# Percentage of red warnings the bureau records as corrected in time (sample_data.correct).
CORRECTED_PERCENT = 90

# Two-character 字号 (秦川) are few: only the first enterprises get them, the rest stay unique.
_WORD_TRADES = 5000


def write_sample_data(
    out_dir: Path,
    *,
    enterprises: int = 3500,
    seed: int = 2013,
    today: date,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the demo data set into `out_dir` (created if need be); return the lines per file.

    Same seed and `today`, same bytes. About ten records per enterprise; the first two are the
    article's 鹏盛鑫 and 威利. `progress` is called with the number of enterprises just written.
    """
    if not 1 <= enterprises <= MAX_ENTERPRISES:
        raise ValueError(f"enterprises must be between 1 and {MAX_ENTERPRISES}")
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        opened = ((out_dir / name).open("w", encoding="utf-8", newline="\n") for name in FILES)
        gen = _Generator([stack.enter_context(f).write for f in opened], seed, today)
        rejections = max(len(REJECTIONS), enterprises // 500)
        step, reported = max(1, enterprises // rejections), 0
        for i in range(enterprises):
            gen.enterprise(i)
            if i % step == step - 1 and gen.counts[REJECTED] < rejections:
                gen.rejected(gen.counts[REJECTED])
            if progress is not None and i + 1 - reported == 1000:
                progress(1000)
                reported = i + 1
        while gen.counts[REJECTED] < rejections:
            gen.rejected(gen.counts[REJECTED])
    if progress is not None and reported < enterprises:
        progress(enterprises - reported)
    return dict(zip(FILES, gen.counts, strict=True))


def _scramble(i: int, base: int, width: int) -> list[int]:
    """Digits of a bijection of `i` on [0, base**width): unique codes that look random."""
    m, x, y, digits = base**width, (i * 7_654_321 + 1_234_567) % base**width, 0, []
    for _ in range(width):  # reverse the digits, then a second affine map
        x, r = divmod(x, base)
        y = y * base + r
    y = (y * 3_141_593 + 2_718_281) % m
    for _ in range(width):
        y, r = divmod(y, base)
        digits.append(r)
    return digits


def org_body(i: int, old: bool, prefix: str = "MA6") -> str:
    """The unique 8-character organisation-code body of enterprise `i`: an old numeric code
    (registered before 2016) or a new one, "MA6" and five characters of the USCC alphabet."""
    if old:
        return "27"[i % 2] + "".join(map(str, _scramble(i, 10, 7)))
    return prefix + "".join(USCC_ALPHABET[d] for d in _scramble(i, 31, 5))


def _trade(i: int) -> str:
    """A three-character 字号 (鹏盛鑫), no character twice in a row, unique for each `i` below
    n·(n-1)² (n = len(TRADE_CHARS)): an affine bijection read in mixed radix."""
    chars, n = P.TRADE_CHARS, len(P.TRADE_CHARS)
    x, a = divmod((i * 1_000_003 + 4_242) % (n * (n - 1) ** 2), n)
    c, b = divmod(x, n - 1)
    return chars[a] + chars[(a + 1 + b) % n] + chars[(a + 2 + b + c) % n]


class _Generator:
    def __init__(self, writes: list[Callable[[str], int]], seed: int, today: date) -> None:
        self.writes, self.counts = writes, [0] * len(writes)
        self.rnd = random.Random(seed).random
        self.today = today
        self.dates = [(today + timedelta(days=k)).isoformat() for k in range(-_PAST, _FUTURE)]
        self.serial = C.ARTICLE_SERIALS
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.vettings: dict[int, list[str]] = {}
        # The enterprise being written.
        self.uscc = self.name = self.product = ""
        self.findings: Findings = []

    def day(self, offset: int) -> str:
        return self.dates[_PAST + offset]

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.rnd() * len(seq))]

    def next_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:08d}"

    def person(self) -> str:
        rnd, given = self.rnd, P.GIVEN_CHARS
        name = P.SURNAMES[int(rnd() * len(P.SURNAMES))] + given[int(rnd() * len(given))]
        return name + given[int(rnd() * len(given))] if rnd() < 0.7 else name

    def vetting(self, published: int) -> str:
        """One of a day's eight approvals, by arithmetic: the random stream does not see them."""
        variants = self.vettings.get(published)
        if variants is None:
            staff, d = P.STAFF, published
            variants = self.vettings[published] = [
                f'{{"approved_by":"{staff[(d * 7 + j) % len(staff)]}","approved_at":'
                f'"{self.day(d - 1 - (d + j) % 3)}T{8 + (d * 3 + j * 5) % 10:02d}:'
                f'{(d * 17 + j * 23) % 60:02d}:00+08:00"}}'
                for j in range(8)
            ]
        return variants[self.serial & 7]

    def emit(
        self, fid: int, kind: str, rid: str, data: str | dict[str, Any], published: int, *,
        system: str = "", version: int = 1, public: bool = False, vetting: str = "",
    ) -> None:
        """Write one line. `published` is a day offset, clamped to today; about 1% of records
        are unvetted, 0.3% withdrawn and 0.5% published in the future, unless `public`."""
        if published > 0:
            published = 0
        withdrawn, r = "false", 1.0 if public else self.rnd()
        if r < 0.018:
            if r < 0.01:
                vetting = "null"
            elif r < 0.013:
                withdrawn = "true"
            else:
                published = 1 + int(self.rnd() * 30)
        body = data if isinstance(data, str) else self.encode(data)
        self.writes[fid](
            f'{{"kind":"{kind}","source":{{"system":"{system or SYSTEMS[fid]}","record_id":'
            f'"{rid}","version":{version}}},"vetting":{vetting or self.vetting(published)},'
            f'"published_on":"{self.dates[_PAST + published]}","withdrawn":{withdrawn},'
            f'"data":{body}}}\n'
        )
        self.counts[fid] += 1

    def correct(self, fid: int, kind: str, rid: str, red_from: int) -> None:
        """Most red warnings are corrected within the 15 days after their bad record is published
        (on its first red day, `red_from`), so that no upgrade follows; the rest, and those too
        recent, are not. By arithmetic on the record's serial: the random stream does not see it."""
        serial = self.serial
        on = red_from + 1 + serial % 14
        if (serial * 37 + 11) % 100 >= CORRECTED_PERCENT or on > -1:
            return
        target = {"kind": kind, "system": SYSTEMS[fid], "record_id": rid}
        data = {"uscc": self.uscc, "target": target, "corrected_on": self.day(on),
                "note": "经复查,问题已整改"}  # fmt: skip
        self.emit(fid, "correction", f"JZ-{rid}", data, on + 1, public=True)

    # --- one enterprise and its records --------------------------------------------------------
    def enterprise(self, i: int) -> None:
        if i < 2:
            return self.article(i)
        rnd, pick = self.rnd, self.pick
        industry = pick(P.INDUSTRY_BAG)
        titanium = industry == P.TITANIUM
        district = pick(P.TITANIUM_DISTRICT_BAG if titanium else P.DISTRICT_BAG)
        scale = pick(P.SCALE_BAG)
        established = -(3000 if scale == "large" else 60) - int(rnd() * 9000)
        code = org_body(i, self.day(established) < "2016")
        self.uscc = uscc = make_uscc("91", P.DIVISION_CODES[district], code)
        word = pick(P.INDUSTRY_WORDS[industry])
        if i < _WORD_TRADES and titanium and rnd() < 0.2:
            trade = pick(P.TITANIUM_TRADE_WORDS)
        elif i < _WORD_TRADES and rnd() < 0.35:
            trade = pick(P.TRADE_WORDS)
        else:
            trade = _trade(i)
        prefix, r = pick(P.NAME_PREFIXES), rnd()
        if scale in ("large", "medium") and r < 0.4:
            suffix = "股份有限公司"
        else:
            suffix = "有限公司" if r < 0.75 else "有限责任公司" if r < 0.9 else "厂"
        self.name = prefix + trade + word + suffix
        extra, version = "", 1
        if rnd() < 0.08:  # renamed: 改制 of a works (厂), or a county before it became a district
            old = {"陈仓区": "宝鸡县", "凤翔区": "凤翔县"}.get(district, prefix) + trade + word
            extra, version = f',"former_names":["{old}{"加工厂" if suffix == "厂" else "厂"}"]', 2
        if rnd() < 0.98:
            extra += (f',"legal_representative":"{self.person()}","address":"宝鸡市{district}'
                      f'{pick(P.STREETS[district])}{1 + int(rnd() * 300)}号"')
        extra += f',"district":"{district}","industry":"{industry}"'
        if rnd() < 0.95:
            extra += f',"scale":"{scale}"'
        body = (f'{{"uscc":"{uscc}","org_code":"{uscc[8:17]}","name":"{self.name}"{extra},'
                f'"established_on":"{self.day(established)}"}}')
        registered = established + 3 if established > -700 else -30 - int(rnd() * 700)
        self.emit(ORG, "enterprise", uscc, body, registered, version=version)
        r = rnd()
        role = ("exemplary" if r < 0.03 else "bad" if r < 0.04 else "blacklist" if r < 0.05
                else "warning" if r < 0.06 else "")  # fmt: skip
        tidy, self.findings = role == "exemplary", []
        textile = word in P.TEXTILE_WORDS  # their products are the fibre inspection's
        products = self.products(industry, word, textile)
        self.product = products[0][0]
        self.licences(industry, district)
        self.equipment(scale, industry, role)
        self.instruments(scale, tidy)
        failed = self.samplings(industry, textile, products, tidy, role == "warning")
        if role == "blacklist" or (not tidy and rnd() < (0.35 if self.findings else 0.12)):
            self.notice(role == "blacklist")
        if role in ("blacklist", "warning") or (not tidy and rnd() < 0.03):
            self.case(failed)
        if not tidy and rnd() < 0.07:
            self.complaint()
        if role:
            self.designations(role, failed or self.product)
        return None

    def products(self, industry: str, word: str, textile: bool) -> list[tuple[str, bool]]:
        pool, rnd, made = P.PRODUCT_POOLS[word], self.rnd, []
        start = int(rnd() * len(pool))
        for k in range(min(1 + int(rnd() * 2.4), len(pool))):
            kind = pool[(start + k) % len(pool)]
            name = self.pick(P.TITANIUM_GRADES) + kind.name if industry == P.TITANIUM else kind.name
            std = f',"standard":"{kind.standard}"' if kind.standard else ""
            body = f'{{"uscc":"{self.uscc}","name":"{name}","category":"{kind.category}"{std}}}'
            self.emit(FIBRE if textile else QUALITY, "product", self.next_id("CP"), body,
                      -int(rnd() * 900))
            made.append((name, kind.endangers))
        return made

    def licences(self, industry: str, district: str) -> None:
        rnd, kinds, r = self.rnd, P.LICENCES[industry], self.rnd()
        for k in range(0 if r < 0.35 else 1 if r < 0.75 else 2 if r < 0.93 else 3):
            kind, level, scope = kinds[k % len(kinds)]
            issued = -int(rnd() * 2100)
            expires, year, serial = issued + 1825, self.day(issued)[:4], self.serial % 100_000
            if kind == "工业产品生产许可证":
                no = f"(陕)XK{13 + k:02d}-{100 + serial % 900:03d}-{serial:05d}"
            elif kind == "食品生产许可证":
                no = f"SC1{1 + serial % 30:02d}{P.DIVISION_CODES[district]}{serial % 10**4:04d}{k}"
            elif kind == "特种设备制造许可证":
                no = f"TS{2 + k % 2}61{serial % 10**4:04d}-{self.day(expires)[:4]}"
            else:
                no = f"陕{'制' if '计量' in kind else ''}{year}{serial % 10**4:04d}"
            body = (f'{{"uscc":"{self.uscc}","licence_no":"{no}","kind":"{kind}","scope":'
                    f'"{scope}","issuer":"{P.ISSUERS[level][year >= "2018"]}","issued_on":'
                    f'"{self.day(issued)}","expires_on":"{self.day(expires)}"}}')
            rid = self.next_id("XK")
            self.emit(QUALITY, "licence", rid, body, issued + 3)
            if expires < 0:
                self.findings.append((expires, f"{kind}已于{self.day(expires)}到期,未申请延续"))
                self.correct(QUALITY, "licence", rid, expires + 1)

    def equipment(self, scale: str, industry: str, role: str) -> None:
        """Special equipment and its operators: exemplary firms all green, bad-record firms at
        least one unit overdue, the others about 68% green, 20% yellow, 12% red."""
        rnd, pick, day, findings = self.rnd, self.pick, self.day, self.findings
        tidy = role == "exemplary"
        mean = P.EQUIPMENT_MEAN[scale] * (1.5 if industry in (P.TITANIUM, "石油装备") else 1.0)
        for k in range(max(int(mean * 2 * rnd() + 0.5), role == "bad")):
            kind, models, char, period, category = pick(P.EQUIPMENT_BAG)
            model, r = pick(models), rnd()
            if k == 0 and role == "bad":
                r = 1.0  # the unit behind the bad record: overdue
            if tidy or r < 0.65:
                due = 215 + int(rnd() * (period - 215))  # green: more than seven months
            elif r < 0.68:
                due = 186 + int(rnd() * 26)  # six to seven months: green too
            elif r < 0.88:
                due = int(rnd() * 179)  # yellow: half a year or less
            else:
                due = -1 - int(rnd() * 400)  # red: overdue
            inspected, serial, extra = due - period, self.serial % 100_000, ""
            if tidy or rnd() > 0.06:
                extra += f',"manufacturer":"{pick(P.EQUIPMENT_MAKERS[kind])}"'
            else:
                findings.append((inspected, f"{model}无制造单位信息及出厂技术资料"))
            if tidy or rnd() > 0.08:
                extra += f',"installation_filing":"宝特安告{day(inspected - 30)[:4]}-{serial:05d}"'
            else:
                findings.append((inspected, f"{model}未办理安装告知及使用登记备案"))
            if due >= 0 or rnd() > 0.05:  # a few overdue units were never inspected at all
                extra += f',"last_inspected_on":"{day(inspected)}"'
            if due < 0:
                findings.append((due, f"{model}超期未检验(应于{day(due)}前检验)"))
            body = (f'{{"uscc":"{self.uscc}","registration_no":"{char}{day(inspected)[2:4]}陕C'
                    f'{serial:05d}","kind":"{kind}","model":"{model}","location":'
                    f'"{pick(P.EQUIPMENT_LOCATIONS)}"{extra},"next_inspection_due":"{day(due)}"}}')
            rid = self.next_id("SE")
            self.emit(SPECIAL, "special_equipment", rid, body, inspected + 5)
            if due < 0:
                self.correct(SPECIAL, "special_equipment", rid, max(due + 1, min(inspected + 5, 0)))
            if rnd() < 0.7:
                issued = -int(rnd() * 1700)
                body = (f'{{"uscc":"{self.uscc}","name":"{self.person()}","certificate_no":'
                        f'"T6103{self.serial:09d}","category":"{category}",'
                        f'"certificate_expires_on":"{day(issued + 1461)}"}}')
                self.emit(SPECIAL, "operator", self.next_id("ZY"), body, issued + 10)
                if issued + 1461 < 0:
                    findings.append((issued + 1461, f"{category}的特种设备作业人员证已过期"))
            elif not tidy and kind in ("crane", "forklift", "boiler") and rnd() < 0.4:
                findings.append((-400, f"{model}操作人员未持特种设备作业人员证上岗"))

    def instruments(self, scale: str, tidy: bool) -> None:
        rnd, day = self.rnd, self.day
        for _ in range(int(P.INSTRUMENT_MEAN[scale] * 2 * rnd() + 0.5)):
            name, mandatory = self.pick(P.INSTRUMENTS)
            r, dates = rnd(), ""
            due: int | None
            if tidy or r < 0.70:
                due = 186 + int(rnd() * 179)
            elif r < 0.85:
                due = int(rnd() * 179)
            elif r < 0.95 and mandatory:
                due = -1 - int(rnd() * 400)
            else:
                due = None
            if due is None:  # never verified
                due = -400  # for the finding and publication only
            else:
                dates = (f',"last_verified_on":"{day(due - 365)}",'
                         f'"next_verification_due":"{day(due)}"')
            if mandatory and due < 0:
                self.findings.append((due, f"强制检定计量器具({name})未按期检定"))
            body = (f'{{"uscc":"{self.uscc}","instrument_no":"BJ{self.serial:08d}","name":'
                    f'"{name}","mandatory_verification":{_B[mandatory]}{dates}}}')
            rid = self.next_id("JL")
            self.emit(METRO, "measuring_instrument", rid, body, due - 360)
            if mandatory and due < 0:
                self.correct(METRO, "measuring_instrument", rid, due + 1 if dates else due - 360)

    def samplings(self, industry: str, textile: bool, products: list[tuple[str, bool]],
                  tidy: bool, warned: bool) -> str:  # fmt: skip
        """Sampling inspections, about 8% failing; the name of a failed product that endangers
        health or safety, or "". `warned` (a quality-safety warning) forces such a failure."""
        rnd, failed_risky = self.rnd, ""
        items = P.FAILED_ITEMS["纺织品" if textile else industry]
        for k in range(max(int(rnd() * 2.6), warned)):
            product, endangers = products[k % len(products)]
            sampled = -1 - int(rnd() * 700)
            fail = (warned and k == 0) or (not tidy and rnd() < 0.08)
            if textile:
                body = P.FIBRE_BODY
            elif industry == P.TITANIUM and rnd() < 0.6:
                body = P.INSPECTING_BODIES[-1]
            else:
                body = P.INSPECTING_BODIES[int(rnd() * 3)]
            start, failed = int(rnd() * len(items)), "[]"
            if fail:
                n = 2 if rnd() < 0.3 else 1
                failed = '["' + '","'.join(items[(start + j) % len(items)] for j in range(n)) + '"]'
            line = (f'{{"uscc":"{self.uscc}","product_name":"{product}","batch":'
                    f'"{self.day(sampled - 10 - int(rnd() * 60)).replace("-", "")}",'
                    f'"sampled_on":"{self.day(sampled)}","result":"{"fail" if fail else "pass"}",'
                    f'"failed_items":{failed},"inspecting_body":"{body}"}}')
            self.emit(FIBRE if textile else QUALITY, "sampling_inspection", self.next_id("CC"),
                      line, sampled + 20)
            if fail and (endangers or warned) and not failed_risky:
                failed_risky = product
        return failed_risky

    def notice(self, blacklisted: bool) -> None:
        """A notice of 1–4 items: the enterprise's open findings (open or overdue), or past problems
        (mostly rectified); refused or serious for blacklisted firms and a few others."""
        rnd, day, pool, findings = self.rnd, self.day, P.NOTICE_ITEMS, self.findings[:4]
        r, rectified_on = rnd(), None
        days = 30 if r < 0.95 else 15 if r < 0.97 else 60
        if findings and rnd() < 0.45:
            texts = [text for _, text in findings]
            since = max(since for since, _ in findings)
            issued = -1 - int(rnd() * min(90, -since - 1)) if since < -1 else -1
            done = [False] * len(texts)
        else:
            n, start = 1 + int(rnd() * 4), int(rnd() * len(pool))
            texts = [pool[(start + j) % len(pool)] for j in range(n)]
            issued = -1 - int(rnd() * 540) - 60 * blacklisted
            if not blacklisted and rnd() < (0.88 if issued + days < 0 else 0.4):
                rectified_on = min(issued + 3 + int(rnd() * (days + 10)), -1)
            done = [rectified_on is not None or rnd() < 0.3 for _ in texts]
        refused = blacklisted and rnd() < 0.6
        serious = (blacklisted and not refused) or rnd() < 0.02
        head = (f'{{"uscc":"{self.uscc}","notice_no":"宝质监责改〔{day(issued)[:4]}〕'
                f'{self.serial % 10**5:05d}号","issued_on":"{day(issued)}"')
        if r < 0.9 or days != 30:  # else the default: 30 days
            head += f',"deadline":"{day(issued + days)}"'
        rid, version, published = self.next_id("ZG"), 1, issued + 2
        if rectified_on is not None:
            if rnd() < 0.8:  # exported when issued, then again when rectified
                version, published = 2, rectified_on + 2
                if rnd() < 0.15:  # the first version too: the update arrives in the same batch
                    items = ",".join(f'{{"description":"{t}","rectified":false}}' for t in texts)
                    self.emit(ENFORCE, "rectification_notice", rid,
                              f'{head},"items":[{items}]}}', issued + 2)
            head += f',"rectified_on":"{day(rectified_on)}"'
        if refused or serious:
            head += f',"refused":{_B[refused]},"serious":{_B[serious]}'
        items = ",".join(f'{{"description":"{t}","rectified":{_B[d]}}}'
                         for t, d in zip(texts, done, strict=True))
        self.emit(ENFORCE, "rectification_notice", rid, f'{head},"items":[{items}]}}', published,
                  version=version)

    def case(self, failed: str) -> None:
        rnd, day, opened = self.rnd, self.day, -1 - int(self.rnd() * 700)
        violation, endangers = P.VIOLATIONS[0] if failed else self.pick(P.VIOLATIONS)
        closed = opened + 30 + int(rnd() * 150)
        data: dict[str, Any] = {"uscc": self.uscc, "case_no": f"宝质监罚字〔{day(opened)[:4]}〕"
                                f"{self.serial % 10**4:04d}号", "opened_on": day(opened)}
        if closed < 0 and rnd() < 0.65:
            data["closed_on"] = day(closed)
        data["violation"] = f"{violation}({failed})" if failed else violation
        data["endangers_health_or_safety"] = endangers and rnd() < 0.8
        if "closed_on" in data:
            data["penalty"] = self.pick(P.PENALTIES)
        version = 2 if "closed_on" in data and rnd() < 0.5 else 1
        self.emit(ENFORCE, "enforcement_case", self.next_id("AJ"), data,
                  closed + 3 if version == 2 else opened + 5, version=version)

    def complaint(self) -> None:
        channel, received = self.pick(P.CHANNEL_BAG), -1 - int(self.rnd() * 600)
        summary = self.pick(P.COMPLAINT_SUMMARIES[channel]).format(p=self.product)
        data: dict[str, Any] = {"uscc": self.uscc, "channel": channel,
                                "received_on": self.day(received), "summary": summary}
        if received < -30 and self.rnd() < 0.9:
            data["outcome"], data["substantiated"] = self.pick(P.COMPLAINT_OUTCOMES)
        self.emit(COMPLAINTS, "complaint", self.next_id("TS"), data, received + 3, system=channel)

    def designations(self, role: str, product: str) -> None:
        """Credit lists starting over the last ten months (a stream for the feeds); half of the
        blacklist and warning entries have the bad record they were upgraded from, published 16
        days before (so the bureau's entry is the upgrade the rules call for). Some bad records
        corrected in time are repaired (信用修复) once eligible, one in a few too early."""
        rnd, day, name = self.rnd, self.day, self.name
        starts = -int(rnd() * 300)
        listed: dict[str, Any] = {"uscc": self.uscc, "starts_on": day(starts)}
        if role == "exemplary":
            listed |= {"list": "exemplary", "title": f"{name}:质量诚信示范企业",
                       "reason": f"{day(starts)[:4]}年度质量诚信示范企业:连续三年监督抽查合格,"
                       "无质量违法记录", "ends_on": day(starts + 3 * 365)}
            self.emit(LISTS, "designation", self.next_id("MD"), listed, starts,
                      system=SYSTEMS[QUALITY])
            return
        if role == "bad" or rnd() < 0.5:
            title, reason = P.BAD_RECORD_REASONS[("bad", "blacklist", "warning").index(role)]
            earlier = 16 * (role != "bad")
            bad: dict[str, Any] = {"uscc": self.uscc, "list": "bad_records", "reason": reason,
                   "title": name + title.format(p=product), "starts_on": day(starts - earlier)}
            if role == "warning":
                bad["health_or_safety_risk"] = True
            corrected, fixed = role == "bad" and starts < -10 and rnd() < 0.4, 0
            if corrected:
                fixed = starts + 5 + int(rnd() * min(25, -starts - 6))
                bad["corrected_on"] = day(fixed)
            rid = self.next_id("MD")
            self.emit(LISTS, "designation", rid, bad, starts + (role == "bad") - earlier,
                      system=SYSTEMS[ENFORCE], version=1 + corrected)
            if corrected and fixed - starts <= 16:
                self.repair(rid, starts)
        if role == "blacklist":
            listed |= {"list": "blacklist", "title": f"{name}拒不整改列入黑名单",
                       "reason": "不良信息公布后15日内仍未改正,拒绝按责令整改通知书整改或严重违法",
                       "products": [product], "ends_on": day(starts + 2 * 365)}
        elif role == "warning":
            listed |= {"list": "quality_safety_warning",
                       "title": f"{name}生产的{product}抽检不合格",
                       "reason": f"监督抽查中{product}不合格,涉及人身健康安全;不良信息公布后15日内"
                       "仍未改正", "products": [product], "health_or_safety_risk": True}
        if role != "bad":
            self.emit(LISTS, "designation", self.next_id("MD"), listed, starts,
                      system=SYSTEMS[ENFORCE if role == "blacklist" else QUALITY])

    def repair(self, rid: str, starts: int) -> None:
        """A credit repair of the moderate bad record `rid` (starting `starts`): applied for once
        eligible (three months on) and approved; one in four applied for too early (not
        effective). By arithmetic: the random stream does not see it."""
        serial = self.serial
        early = serial % 4 == 0
        applied = starts + (20 if early else 95 + serial % 20)
        decided = applied + 7 + serial % 10
        if decided > -1:
            return
        data = {"uscc": self.uscc, "target": {"system": SYSTEMS[ENFORCE], "record_id": rid},
                "applied_on": self.day(applied), "decided_on": self.day(decided),
                "approved": True, "note": "已按期整改并作出信用承诺"}  # fmt: skip
        self.emit(LISTS, "credit_repair", f"XF-{rid}", data, decided + 1,
                  system=SYSTEMS[ENFORCE], public=True)  # fmt: skip

    # --- hand-made records (sample_cases.py) -----------------------------------------------------
    def article(self, i: int) -> None:
        """The article's enterprise `i`: 0 鹏盛鑫, 1 威利; always public."""
        self.uscc = make_uscc("91", P.DIVISION_CODES[P.ADDRESSES[i][3:6]], org_body(i, True))
        self.name, self.product = (PENGSHENGXIN, "TA2钛棒") if i == 0 else (WEILI, "注塑模具")
        day = self.day
        records = C.pengshengxin(self.uscc, day, self.today) if i == 0 else C.weili(self.uscc, day)
        for r in records:
            self.emit(_FID[r.file], r.kind, r.record_id, r.data, r.published, version=r.version,
                      public=True)

    def rejected(self, k: int) -> None:
        """The `k`-th bad line, about the latest enterprise."""
        stranger = make_uscc("91", "610302", org_body(k, False, "MA7"))  # no such enterprise
        r = C.rejected(k, (self.uscc, self.name, self.product), stranger,
                       make_org_code(org_body(k, True)), self.day, self.today.year)
        if isinstance(r.data, str):
            self.writes[REJECTED](r.data + "\n")
            self.counts[REJECTED] += 1
        else:
            self.emit(REJECTED, r.kind, r.record_id, r.data, r.published, system=r.system,
                      public=True, vetting=r.vetting)
