"""The documents and the query set every search backend is tested on (see test_backends.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.codes import make_uscc
from portal.search.base import SearchDocument


def doc(n: int, name: str, **fields: object) -> SearchDocument:
    uscc = make_uscc("91", "610300", f"{n:08d}")
    values: dict[str, object] = {"district": "渭滨区", "industry": "其他", **fields}
    return SearchDocument(uscc=uscc, org_code=uscc[8:17], name=name, **values)  # type: ignore[arg-type]


TI = "有色金属(钛及钛合金)"
TITANIUM = doc(
    1,
    "宝鸡钛业股份有限公司",
    former_names=("宝鸡有色金属加工厂",),
    products=("钛合金锻件", "钛棒"),
    address="宝鸡市渭滨区清姜路",
    legal_representative="王建国",
    industry=TI,
    lists=("exemplary",),
    colour="green",
)
TRADER = doc(
    2,
    "陕西合钛贸易有限公司",
    address="西安市雁塔区",
    district="高新区",
    industry=TI,
    lists=("bad_records", "blacklist"),
    colour="red",
)
CHENCANG = doc(
    3,
    "陈仓机床有限公司",
    address="宝鸡市陈仓区虢镇",
    products=("数控车床",),
    texts=("数控车床 抽检不合格:定位精度",),
    district="陈仓区",
    industry="机床工具",
    lists=("bad_records",),
    colour="yellow",
)
SPLIT = doc(
    4, "岐山食品厂", texts=("整改通知:钛合,合金标识不清",), district="岐山县", industry="烟酒食品"
)
LATIN = doc(5, "ABC Foods 岐山分公司", products=("Titanium Cups",), district="岐山县")
# The exact name of a query ranks first, names starting with it next, then the rest.
NAMESAKE = doc(6, "宝鸡钛业", district="金台区", industry=TI)
PRODUCT_ONLY = doc(
    7, "陕西钛材有限公司", products=("宝鸡钛业牌钛板",), district="高新区", industry=TI
)
# "钛,合金" and the products "钛合" + "金锻件" contain 钛合金 only across a break.
COMMA = doc(
    8,
    "渭南金属材料公司",
    texts=("钛,合金管材 抽检合格",),
    products=("钛合", "金锻件"),
    industry=TI,
    lists=("bad_records",),
    colour="yellow",
)
STEEL = doc(
    9,
    "宝鸡304不锈钢制品厂",
    former_names=("宝鸡市不锈钢厂",),
    products=("SUS304 钢管",),
    district="金台区",
    industry="金属制品",
)
FULLWIDTH = doc(
    10,
    "ＸＹＺ科技有限公司",
    address="宝鸡市高新区科技路",
    legal_representative="李明",
    district="高新区",
    lists=("exemplary",),
    colour="yellow",
)
FORMER = doc(
    11,
    "秦川机械集团有限公司",
    former_names=("宝鸡秦川机床厂", "秦川机床工具集团"),
    products=("数控磨床",),
    industry="机床工具",
    lists=("blacklist",),
    colour="red",
)
NAMED = (
    TITANIUM, TRADER, CHENCANG, SPLIT, LATIN, NAMESAKE, PRODUCT_ONLY, COMMA, STEEL, FULLWIDTH,
    FORMER,
)  # fmt: skip
# Enough look-alikes for a few pages, over two districts.
PAGED = tuple(
    doc(100 + i, f"渭河测试企业{i:03d}", district="渭滨区" if i % 3 else "陈仓区")
    for i in range(1, 46)
)
CORPUS = (*NAMED, *PAGED)


@dataclass(frozen=True)
class Case:
    """A query and what every backend must answer: the hits (as names; in this order when
    `ordered`, else as a set) or only `first`/`total` when the rest is left to relevance."""

    text: str
    names: tuple[str, ...] = ()
    filters: dict[str, str] = field(default_factory=dict)
    ordered: bool = False
    exact: bool = False
    first: str | None = None
    total: int | None = None

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.text!r}{'|' + extra if extra else ''}"


def n(*docs: SearchDocument) -> tuple[str, ...]:
    return tuple(d.name for d in docs)


def by_name(*docs: SearchDocument) -> tuple[str, ...]:
    """Names in the order of a browse: by name, compared as UTF-8 bytes (= code points)."""
    return tuple(sorted(n(*docs)))


CASES = (
    # One to six Chinese characters: "contains this string", in any searchable field.
    Case("钛", n(TITANIUM, TRADER, SPLIT, NAMESAKE, PRODUCT_ONLY, COMMA)),
    Case("宝鸡", n(TITANIUM, NAMESAKE, STEEL, CHENCANG, FULLWIDTH, FORMER, PRODUCT_ONLY)),
    Case("合金", n(TITANIUM, SPLIT, COMMA)),
    Case("钛合金", n(TITANIUM)),
    Case("合钛", n(TRADER)),
    Case("锻钛", ()),
    Case("金锻件", n(TITANIUM, COMMA)),
    Case("钛合金锻", n(TITANIUM)),
    Case("有色金属加", n(TITANIUM)),
    Case("秦川机床工具", n(FORMER)),
    Case("宝鸡钛业", n(NAMESAKE, TITANIUM, PRODUCT_ONLY), ordered=True),
    Case("陈仓机床有限公司", n(CHENCANG), ordered=True),
    Case("机床", n(CHENCANG, FORMER)),
    Case("秦川", n(FORMER)),
    # Former names, products, addresses, the legal representative, record texts.
    Case("宝鸡秦川机床厂", n(FORMER)),
    Case("数控", n(CHENCANG, FORMER)),
    Case("钛板", n(PRODUCT_ONLY)),
    Case("雁塔", n(TRADER)),
    Case("科技路", n(FULLWIDTH)),
    Case("王建国", n(TITANIUM)),
    Case("定位精度", n(CHENCANG)),
    Case("抽检", n(CHENCANG, COMMA)),
    # Latin words and digits: case and width folded, the last word a prefix.
    Case("abc", n(LATIN)),
    Case("FOODS", n(LATIN)),
    Case("titan", n(LATIN)),
    Case("titan cups", ()),
    Case("titanium cup", n(LATIN)),
    Case("ab ", ()),
    Case("xyz", n(FULLWIDTH)),
    Case("ＸＹＺ科技", n(FULLWIDTH)),
    Case("304", n(STEEL)),
    Case("sus", n(STEEL)),
    Case("sus304 钢管", n(STEEL)),
    # Several terms: all must match, in any fields.
    Case("宝鸡 锻件", n(TITANIUM)),
    Case("宝鸡 车床", n(CHENCANG)),
    Case("宝鸡 食品", ()),
    Case("abc 岐山", n(LATIN)),
    Case("钛 yellow", ()),  # facet values are not searchable text
    # Codes: a valid USCC or organisation code is looked up exactly; a prefix is a word prefix.
    Case(CHENCANG.uscc, n(CHENCANG), exact=True),
    Case(
        " ".join(CHENCANG.uscc[i : i + 6] for i in range(0, 18, 6)).lower(), n(CHENCANG), exact=True
    ),
    Case(CHENCANG.org_code, n(CHENCANG), exact=True),
    Case(f"{FORMER.org_code[:8]}-{FORMER.org_code[8]}", n(FORMER), exact=True),
    Case(TITANIUM.uscc[:16].lower(), n(TITANIUM)),
    Case(make_uscc("91", "610300", "99999999"), ()),
    Case(CHENCANG.uscc, (), filters={"district": "渭滨区"}),
    # Filters.
    Case("钛", n(TRADER), filters={"industry": TI, "colour": "red"}),
    Case("钛", n(TRADER, PRODUCT_ONLY), filters={"district": "高新区"}),
    Case("钛", (), filters={"list": "exemplary", "district": "高新区"}),
    Case("钛", n(TITANIUM, TRADER, SPLIT, NAMESAKE, PRODUCT_ONLY, COMMA), filters={"district": ""}),
    Case("", by_name(TRADER, CHENCANG, COMMA), filters={"list": "bad_records"}, ordered=True),
    Case("", by_name(SPLIT, LATIN), filters={"district": "岐山县"}, ordered=True),
    Case("机床", n(CHENCANG), filters={"colour": "yellow", "industry": "机床工具"}),
    # Browse and paging over the look-alikes.
    Case("测试企业", total=len(PAGED)),
    Case("测试企业", total=15, filters={"district": "陈仓区"}),
    Case("", total=len(CORPUS)),
    # Query syntax of either engine is plain text.
    Case('钛"合金', n(TITANIUM, SPLIT, COMMA)),
    Case("钛 AND 合金", ()),
    Case("name:钛", ()),
    Case("钛*", n(TITANIUM, TRADER, SPLIT, NAMESAKE, PRODUCT_ONLY, COMMA)),
    Case('{"match_all": {}}', ()),
)
