"""Queries over HTTP against the real app and the data set of conftest.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from portal.graphql.relay import decode_cursor, encode_cursor
from tests.graphql.conftest import GREEN_ONLY, MAIN, NOTHING_DUE, UNVETTED, Gql
from tests.graphql.conftest import uscc as uscc_of

PROVENANCE = (
    "provenance { sourceSystem sourceRecordId sourceVersion approvedBy approvedAt publishedOn }"
)
WARNING = "warning { colour reason changesOn }"
CREDIT_FILE = f"""
query File($uscc: String!) {{
  enterprise(uscc: $uscc) {{
    uscc orgCode name formerNames legalRepresentative address district industry scale
    lists colour {PROVENANCE}
    licences {{ licenceNo kind expiresOn {WARNING} {PROVENANCE} }}
    products {{ name standard {PROVENANCE} }}
    specialEquipment {{ registrationNo kind manufacturer installationFiling nextInspectionDue
                        {WARNING} {PROVENANCE} }}
    measuringInstruments {{ instrumentNo mandatoryVerification {WARNING} {PROVENANCE} }}
    operators {{ name certificateNo category {WARNING} {PROVENANCE} }}
    samplingInspections {{ productName result failedItems {PROVENANCE} }}
    rectificationNotices {{ noticeNo deadline rectifiedOn items {{ seq description rectified }}
                            {PROVENANCE} }}
    enforcementCases {{ caseNo endangersHealthOrSafety {PROVENANCE} }}
    complaints {{ channel summary substantiated {PROVENANCE} }}
    designations {{ list title products healthOrSafetyRisk startsOn endsOn {PROVENANCE} }}
  }}
}}
"""

ENTRY = """totalCount
  edges { cursor node {
    designation { title reason products healthOrSafetyRisk startsOn endsOn
                  provenance { sourceSystem approvedAt } }
    enterprise { uscc name district industry } } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"""

SEARCH = """
query Search($q: String!, $first: Int, $after: String, $district: String, $industry: String,
             $list: CreditList, $colour: Colour) {
  searchEnterprises(query: $q, first: $first, after: $after, district: $district,
                    industry: $industry, list: $list, colour: $colour) {
    totalCount exact
    edges { cursor node { uscc name district industry lists colour score
                          highlights { field segments { text match } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    facets { field values { value count } }
  }
}
"""


def _error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    error: dict[str, Any] = body["errors"][0]
    return error


# -- the credit file -------------------------------------------------------------------------


def test_credit_file_fields_colours_and_provenance(data: Any) -> None:
    file = data(CREDIT_FILE, uscc=MAIN)["enterprise"]
    assert file["uscc"] == MAIN and file["orgCode"] == MAIN[8:17]
    assert file["name"] == "宝鸡华秦机床有限公司" and file["formerNames"] == ["宝鸡华秦机床厂"]
    assert (file["district"], file["industry"], file["scale"]) == ("金台区", "机床工具", "medium")
    # The expired exemplary designation is not current; the blacklist one is.
    assert file["lists"] == ["BLACKLIST"]
    assert [d["list"] for d in file["designations"]] == ["BLACKLIST"]
    assert file["designations"][0]["products"] == ["数控车床"]
    assert file["designations"][0]["healthOrSafetyRisk"] is True
    # Worst colour: the overdue crane.
    assert file["colour"] == "RED"
    (crane,) = file["specialEquipment"]
    assert crane["manufacturer"] is None and crane["installationFiling"] is None
    assert crane["nextInspectionDue"] == "2026-10-01"
    assert crane["warning"]["colour"] == "RED" and "超期" in crane["warning"]["reason"]
    assert crane["warning"]["changesOn"] is None
    assert crane["provenance"]["sourceSystem"] == "SPECIAL_EQUIPMENT"
    (licence,) = file["licences"]
    assert licence["warning"] == {
        "colour": "YELLOW",
        "reason": licence["warning"]["reason"],
        "changesOn": "2027-03-02",
    }
    (scale,) = file["measuringInstruments"]
    assert scale["mandatoryVerification"] is True and scale["warning"]["colour"] == "GREEN"
    # Provenance of every record kind.
    prov = file["provenance"]
    assert prov["sourceSystem"] == "ORG_CODE_REGISTRY"
    assert re.fullmatch(r"ORG-\d{6}", prov["sourceRecordId"])
    assert prov["sourceVersion"] == 1 and prov["approvedBy"] == "李明"
    assert prov["approvedAt"] == "2026-10-01T01:30:00+00:00" and prov["publishedOn"] == "2026-10-02"
    for key in ("licences", "products", "specialEquipment", "measuringInstruments",
                "samplingInspections", "rectificationNotices", "enforcementCases", "complaints",
                "designations"):  # fmt: skip
        assert file[key], key
        for record in file[key]:
            assert re.fullmatch(r"[A-Z]+-\d{6}", record["provenance"]["sourceRecordId"]), key
            assert record["provenance"]["approvedAt"], key


def test_credit_file_records(data: Any) -> None:
    file = data(CREDIT_FILE, uscc=MAIN)["enterprise"]
    # The withdrawn product is not public.
    assert [p["name"] for p in file["products"]] == ["数控车床"]
    assert [(s["result"], s["failedItems"]) for s in file["samplingInspections"]] == [
        ("FAIL", ["标签标识", "安全防护"]),
        ("PASS", []),
    ]
    (notice,) = file["rectificationNotices"]
    assert notice["rectifiedOn"] is None
    assert [(i["seq"], i["rectified"]) for i in notice["items"]] == [(1, False), (2, True)]
    assert file["enforcementCases"][0]["endangersHealthOrSafety"] is True
    assert file["complaints"][0]["channel"] == "MEDIA_REPORT"


def test_operators_are_masked(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": CREDIT_FILE, "variables": {"uscc": MAIN}})
    (operator,) = response.json()["data"]["enterprise"]["operators"]
    assert operator["name"] == "张**"
    assert operator["certificateNo"] == "TS61" + "*" * 9 + "67"
    assert operator["category"] == "起重机司机" and operator["warning"]["colour"] == "GREEN"
    assert operator["provenance"]["sourceSystem"] == "SPECIAL_EQUIPMENT"
    assert operator["provenance"]["sourceRecordId"]
    # Nowhere in the whole answer: the full name or the certificate number.
    assert "三丰" not in response.text and "6103001234" not in response.text


def test_colour_green_and_none(data: Any) -> None:
    query = "query($u: String!) { enterprise(uscc: $u) { colour lists } }"
    assert data(query, u=GREEN_ONLY)["enterprise"] == {"colour": "GREEN", "lists": ["EXEMPLARY"]}
    assert data(query, u=NOTHING_DUE)["enterprise"] == {"colour": None, "lists": []}


def test_uscc_is_normalised(data: Any) -> None:
    spaced = f" {MAIN[:6]}-{MAIN[6:].lower()} "
    assert data("query($u: String!) { enterprise(uscc: $u) { uscc } }", u=spaced)["enterprise"] == {
        "uscc": MAIN
    }


@pytest.mark.parametrize("uscc", [UNVETTED, uscc_of(12345)])
def test_unknown_or_unpublished_uscc_is_null_without_error(gql: Gql, uscc: str) -> None:
    from portal.codes import is_uscc

    assert is_uscc(uscc), "the test needs a well-formed code"
    body = gql("query($u: String!) { enterprise(uscc: $u) { name } }", u=uscc)
    assert body == {"data": {"enterprise": None}}


@pytest.mark.parametrize(
    ("uscc", "says"),
    [("12345", "18位"), (MAIN[:17] + ("0" if MAIN[17] != "0" else "1"), "校验码")],
)
def test_invalid_uscc_is_an_error_with_a_clear_message(gql: Gql, uscc: str, says: str) -> None:
    body = gql("query($u: String!) { enterprise(uscc: $u) { name } }", u=uscc)
    error = _error(body)
    assert body["data"] == {"enterprise": None}
    assert "统一社会信用代码" in error["message"] and says in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST", "status": 400}
    assert error["path"] == ["enterprise"]


# -- search ----------------------------------------------------------------------------------


def test_search_paging(data: Any) -> None:
    first = data(SEARCH, q="精工", first=5)["searchEnterprises"]
    assert first["totalCount"] == 12 and len(first["edges"]) == 5
    info = first["pageInfo"]
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is False
    assert info["startCursor"] == first["edges"][0]["cursor"]
    assert info["endCursor"] == first["edges"][-1]["cursor"]
    assert len({e["cursor"] for e in first["edges"]}) == 5
    second = data(SEARCH, q="精工", first=5, after=info["endCursor"])["searchEnterprises"]
    assert second["pageInfo"]["hasPreviousPage"] is True
    third = data(SEARCH, q="精工", first=5, after=second["pageInfo"]["endCursor"])[
        "searchEnterprises"
    ]
    assert len(third["edges"]) == 2 and third["pageInfo"]["hasNextPage"] is False
    seen = [e["node"]["uscc"] for page in (first, second, third) for e in page["edges"]]
    assert len(seen) == len(set(seen)) == 12
    assert all("精工" in e["node"]["name"] for e in first["edges"])


def test_search_default_page_size_and_nodes(data: Any) -> None:
    result = data(SEARCH, q="精工")["searchEnterprises"]
    assert len(result["edges"]) == 5  # settings.page_size
    node = result["edges"][0]["node"]
    assert node["district"] in ("渭滨区", "陈仓区") and isinstance(node["score"], float)
    name_highlight = next(h for h in node["highlights"] if h["field"] == "name")
    assert {"text": "精工", "match": True} in name_highlight["segments"]
    assert "".join(s["text"] for s in name_highlight["segments"]) == node["name"]


def test_search_facets_and_filters(data: Any) -> None:
    result = data(SEARCH, q="精工")["searchEnterprises"]
    facets = {f["field"]: {v["value"]: v["count"] for v in f["values"]} for f in result["facets"]}
    assert [f["field"] for f in result["facets"]] == ["district", "industry", "list", "colour"]
    assert facets["district"] == {"渭滨区": 6, "陈仓区": 6}
    assert facets["industry"] == {"机床工具": 6, "汽车及零部件": 6}
    assert facets["list"]["blacklist"] == 6 and facets["list"]["quality_safety_warning"] == 2

    filtered = data(SEARCH, q="精工", district="渭滨区", industry="汽车及零部件")
    nodes = [e["node"] for e in filtered["searchEnterprises"]["edges"]]
    assert filtered["searchEnterprises"]["totalCount"] == 3 == len(nodes)
    assert {(n["district"], n["industry"]) for n in nodes} == {("渭滨区", "汽车及零部件")}

    listed = data(SEARCH, q="精工", list="BLACKLIST", first=10)["searchEnterprises"]
    assert listed["totalCount"] == 6
    assert all("BLACKLIST" in e["node"]["lists"] for e in listed["edges"])


def test_search_colour_filter(data: Any) -> None:
    red = data(SEARCH, q="", colour="RED", first=10)["searchEnterprises"]
    assert red["totalCount"] >= 1
    assert all(e["node"]["colour"] == "RED" for e in red["edges"])
    assert MAIN in {e["node"]["uscc"] for e in red["edges"]}


def test_search_by_uscc_is_exact(data: Any) -> None:
    result = data(SEARCH, q=MAIN)["searchEnterprises"]
    assert result["exact"] is True and result["totalCount"] == 1
    assert result["edges"][0]["node"]["uscc"] == MAIN


def test_search_unknown_district_is_an_error(gql: Gql) -> None:
    error = _error(gql(SEARCH, q="精工", district="火星区"))
    assert "未知的区县“火星区”" in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


# -- the lists -------------------------------------------------------------------------------


def _list(data: Any, name: str, **args: Any) -> dict[str, Any]:
    params = ", ".join(f"{k}: ${k}" for k in args)
    declared = ", ".join(f"${k}: {'Int' if k == 'first' else 'String'}" for k in args)
    head = f"query({declared})" if args else "query"
    call = f"{name}({params})" if args else name
    query = f"{head} {{ {call} {{ {ENTRY} }} }}"
    result: dict[str, Any] = data(query, **args)[name]
    return result


def test_blacklist_paging_and_order(data: Any) -> None:
    page = _list(data, "blacklist")
    assert page["totalCount"] == 7  # main + 10..15; ended, unvetted, unpublished excluded
    names = [e["node"]["enterprise"]["name"] for e in page["edges"]]
    assert names[0] == "宝鸡华秦机床有限公司"  # newest first
    assert names[1:] == [f"宝鸡精工机床第{n}厂" for n in (15, 14, 13, 12)]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = _list(data, "blacklist", after=page["pageInfo"]["endCursor"])
    assert [e["node"]["enterprise"]["name"] for e in rest["edges"]] == [
        "宝鸡精工机床第11厂",
        "宝鸡精工机床第10厂",
    ]
    assert rest["pageInfo"]["hasNextPage"] is False and rest["pageInfo"]["hasPreviousPage"]
    assert decode_cursor(rest["edges"][0]["cursor"]) == 5
    entry = page["edges"][0]["node"]
    assert entry["designation"]["title"] == "拒不整改列入黑名单"
    assert entry["designation"]["provenance"]["sourceSystem"] == "CREDIT_RULES"
    assert entry["enterprise"]["uscc"] == MAIN


def test_blacklist_filters(data: Any) -> None:
    by_district = _list(data, "blacklist", district="渭滨区", first=10)
    assert by_district["totalCount"] == 3
    assert {e["node"]["enterprise"]["district"] for e in by_district["edges"]} == {"渭滨区"}
    by_industry = _list(data, "blacklist", industry="机床工具", district="金台区")
    assert [e["node"]["enterprise"]["uscc"] for e in by_industry["edges"]] == [MAIN]
    none = _list(data, "blacklist", industry="生物医药")
    assert none["totalCount"] == 0 and none["edges"] == []
    assert none["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("exemplary", ["宝鸡秦川衡器有限公司", "宝鸡精工汽配第18厂"]),
        ("badRecords", ["宝鸡精工汽配第17厂", "宝鸡精工机床第10厂"]),
        ("warnings", ["宝鸡精工汽配第19厂", "宝鸡精工汽配第20厂"]),
    ],
)
def test_other_lists(data: Any, field: str, expected: list[str]) -> None:
    page = _list(data, field)
    assert page["totalCount"] == len(expected)
    assert [e["node"]["enterprise"]["name"] for e in page["edges"]] == expected


def test_warnings_carry_products_and_risk_and_filter(data: Any) -> None:
    page = _list(data, "warnings", district="陈仓区")
    (entry,) = [e["node"] for e in page["edges"]]
    assert entry["designation"]["title"] == "电动自行车充电器质量安全预警"
    assert entry["designation"]["products"] == ["电动自行车充电器"]
    assert entry["designation"]["healthOrSafetyRisk"] is True
    assert entry["designation"]["endsOn"] is None


def test_list_counts(data: Any) -> None:
    counts = data(
        "{ listCounts { blacklist exemplary badRecords qualitySafetyWarning enterprises } }"
    )
    assert counts["listCounts"] == {
        "blacklist": 7,
        "exemplary": 2,
        "badRecords": 2,
        "qualitySafetyWarning": 2,
        "enterprises": 15,
    }


# -- paging errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("after", ["not-a-cursor", "b2Zmc2V0Oi0x", encode_cursor(10**7)])
@pytest.mark.parametrize("field", ["blacklist", "warnings"])
def test_bad_cursor_is_a_clear_error(gql: Gql, field: str, after: str) -> None:
    body = gql(f'{{ {field}(after: "{after}") {{ totalCount }} }}')
    error = _error(body)
    assert f"分页游标“{after}”无效" in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST", "status": 400}
    assert body["data"] == {field: None}


def test_bad_cursor_in_search(gql: Gql) -> None:
    assert "分页游标" in _error(gql(SEARCH, q="精工", after="xyz"))["message"]


@pytest.mark.parametrize("first", [11, 0, -3])
def test_first_out_of_range_is_an_error(gql: Gql, first: int) -> None:
    for query in (
        "query($first: Int) { blacklist(first: $first) { totalCount } }",
        'query($first: Int) { searchEnterprises(query: "精工", first: $first) { totalCount } }',
    ):
        error = _error(gql(query, first=first))
        assert f"参数 first 为{first}" in error["message"] and "1 到 10" in error["message"]
        assert error["extensions"]["code"] == "BAD_REQUEST"


def test_first_at_the_max_is_fine(data: Any) -> None:
    assert len(_list(data, "blacklist", first=10)["edges"]) == 7
