"""Rectification notices (责令整改通知书): their state on a day, and what they lead to.

The article: a first minor violation gets a notice with a deadline (a month by default: the loader
fills it in, settings `rectification_days`); rectified by the deadline (its `rectified_on`, or
every item marked rectified: `rectified_on()`), the notice is closed and leaves 一企一策; not
rectified by then, it goes to enforcement (rule `notice_referral`: a derived enforcement case,
移送执法, opened the day after the deadline); refusing to rectify (`refused`) or a serious
violation (`serious`) puts the enterprise and its products on the blacklist (rule
`notice_blacklist`, from the day the notice was issued, or published if later).
"""

from __future__ import annotations

from datetime import date

from portal.domain import CreditList, Severity
from portal.rules.colours import add_days
from portal.rules.facts import Facts
from portal.rules.model import (
    Decision,
    DerivedCase,
    DerivedDesignation,
    Ref,
    public_day,
    rule_key,
    source_name,
)
from portal.storage.models import RectificationNotice

REFERRAL_RULE, REFERRAL_NAME = "notice_referral", "逾期未整改移送执法"
BLACKLIST_RULE, BLACKLIST_NAME = "notice_blacklist", "拒不整改或严重违法列入黑名单"


def _ref(n: RectificationNotice) -> Ref:
    return Ref("rectification_notice", n.source_system, n.source_record_id)


def rectified_on(n: RectificationNotice) -> date | None:
    """The day the notice was rectified: its `rectified_on`, or, when the notice's every item is
    marked rectified without that date, the day this version of the notice became public (the
    export is the evidence: a notice whose items are all 已整改 is not shown 整改中)."""
    if n.rectified_on is not None:
        return n.rectified_on
    if n.items and all(item.rectified for item in n.items):
        return max(public_day(n), n.issued_on)
    return None


def referred_on(n: RectificationNotice) -> date | None:
    """The day the notice goes (or went) to enforcement if not rectified by its deadline; None
    when it was rectified in time. The rectification must be recorded in the notice."""
    done = rectified_on(n)
    if done is not None and done <= n.deadline:
        return None
    return max(add_days(n.deadline, 1), public_day(n))


def blacklisted_on(n: RectificationNotice) -> date | None:
    """The day a refused or serious notice puts the enterprise on the blacklist; None otherwise."""
    if not (n.refused or n.serious):
        return None
    return max(n.issued_on, public_day(n))


def notice_decision(n: RectificationNotice, today: date) -> Decision:
    """The notice's state on `today`, why, and what happens next."""
    deadline, rule = n.deadline, "rectification_notice"
    referral = referred_on(n)
    listed = blacklisted_on(n)
    notes = []
    if listed is not None and listed <= today:
        why = "拒绝整改" if n.refused else "严重违法"
        notes.append(f"因{why},企业及其产品已于 {listed} 列入黑名单")
    suffix = ";" + ";".join(notes) if notes else ""
    done = rectified_on(n)
    if done is not None and done <= today:
        if referral is None:
            reason = f"已于 {done} 在整改期限({deadline})内完成整改,通知书办结"
        else:
            reason = (
                f"整改期限 {deadline} 届满未整改,已于 {referral} 移送执法;其后于 {done} 完成整改"
            )
        return Decision("closed", reason + suffix, rule=rule)
    if referral is not None and referral <= today:
        state = "refused" if n.refused else "overdue"
        head = "企业拒绝整改;" if n.refused else ""
        reason = f"{head}整改期限 {deadline} 已过仍未整改,已于 {referral} 移送执法"
        return Decision(state, reason + suffix, rule=rule)
    reason = f"{'企业拒绝整改' if n.refused else '整改中'},整改期限至 {deadline}"
    nxt = referral or add_days(deadline, 1)
    return Decision(
        "refused" if n.refused else "open",
        reason + suffix,
        nxt,
        f"将于 {nxt} 移送执法,除非在此之前完成整改",
        rule,
    )


def notice_outcomes(f: Facts, today: date) -> tuple[list[DerivedDesignation], list[DerivedCase]]:
    """The blacklist entries and referrals the enterprise's notices call for on `today`."""
    listed: list[DerivedDesignation] = []
    cases: list[DerivedCase] = []
    products = tuple(dict.fromkeys(p.name for p in f.products))
    for n in f.notices:
        ref = _ref(n)
        records = (ref.as_json(n.source_version),)
        referral = referred_on(n)
        if referral is not None and referral <= today:
            text = (
                f"由规则“{REFERRAL_NAME}”于 {referral} 根据{source_name(ref.system)}"
                f"下达的责令整改通知书 {n.notice_no} 生成"
            )
            cases.append(
                DerivedCase(
                    key=rule_key("referral", ref.system, ref.record_id),
                    uscc=f.uscc,
                    case_no=f"移送执法({n.notice_no})"[:60],
                    opened_on=referral,
                    violation=(
                        f"逾期未整改:责令整改通知书 {n.notice_no} 的整改期限 {n.deadline} "
                        "已过,未完成整改,依规则移送执法"
                    ),
                    rule=REFERRAL_RULE,
                    records=records,
                    text=text,
                )
            )
        since = blacklisted_on(n)
        if since is not None and since <= today:
            why = "拒不整改" if n.refused else "严重违法"
            text = (
                f"由规则“{BLACKLIST_NAME}”于 {since} 根据{source_name(ref.system)}"
                f"下达的责令整改通知书 {n.notice_no} 生成"
            )
            listed.append(
                DerivedDesignation(
                    key=rule_key(CreditList.blacklist, ref.kind, ref.system, ref.record_id),
                    uscc=f.uscc,
                    list_name=CreditList.blacklist,
                    title=f"{f.name}{why},企业及其产品列入黑名单"[:300],
                    reason=(
                        f"责令整改通知书 {n.notice_no}:"
                        f"{'企业拒绝整改' if n.refused else '违法行为严重'},"
                        "依规则将企业及其产品列入黑名单"
                    ),
                    severity=Severity.serious,
                    starts_on=since,
                    published_on=since,
                    rule=BLACKLIST_RULE,
                    records=records,
                    text=text,
                    products=products,
                )
            )
    return listed, cases
