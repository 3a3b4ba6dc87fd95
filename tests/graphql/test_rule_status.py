"""The credit rules in the API: `status` of designations and notices, and `openItems`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.graphql.conftest import MAIN

STATUS = "status { state reason nextChangeOn nextChange }"
QUERY = f"""
query File($uscc: String!) {{
  enterprise(uscc: $uscc) {{
    rectificationNotices {{ noticeNo deadline {STATUS} }}
    designations {{ list displayUntil severity {STATUS} }}
    openItems {{ kind title state text dueOn }}
  }}
}}
"""


def test_notices_say_why_and_what_next(data: Callable[..., dict[str, Any]]) -> None:
    file = data(QUERY, uscc=MAIN)["enterprise"]
    [notice] = file["rectificationNotices"]
    # Deadline 2026-10-01, not rectified, today 2026-11-24: referred to enforcement.
    assert notice["status"]["state"] == "overdue"
    assert "2026-10-02 移送执法" in notice["status"]["reason"]
    assert notice["status"]["nextChangeOn"] is None


def test_designations_have_a_status_and_a_severity(data: Callable[..., dict[str, Any]]) -> None:
    file = data(QUERY, uscc=MAIN)["enterprise"]
    [blacklist] = file["designations"]
    assert blacklist["list"] == "BLACKLIST" and blacklist["severity"] == "serious"
    assert blacklist["status"]["state"] == "published" and blacklist["status"]["reason"]


def test_open_items_list_the_deadlines(data: Callable[..., dict[str, Any]]) -> None:
    items = data(QUERY, uscc=MAIN)["enterprise"]["openItems"]
    kinds = [(i["kind"], i["state"]) for i in items]
    assert ("notice", "overdue") in kinds
    assert ("equipment", "red") in kinds and ("finding", "open") in kinds
    assert ("licence", "yellow") in kinds
    dated = [i["dueOn"] for i in items if i["dueOn"]]
    assert dated == sorted(dated)


def test_list_entries_carry_the_stored_status(data: Callable[..., dict[str, Any]]) -> None:
    page = data(
        f"{{ blacklist(first: 3) {{ edges {{ node {{ designation {{ {STATUS} }} }} }} }} }}"
    )
    states = {e["node"]["designation"]["status"]["state"] for e in page["blacklist"]["edges"]}
    assert states == {"published"}
