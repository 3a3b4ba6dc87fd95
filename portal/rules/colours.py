"""Green / yellow / red warnings for due dates: special-equipment periodic inspection, mandatory
verification of measuring instruments, licence and operator-certificate expiry.

The article: green when just inspected or more than seven months remain; yellow when half a
year or less remains; red when overdue. The article leaves six to seven months unnamed: green.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The rules' date steps (re-exported: the rule modules take them from here).
from portal.dates import add_days as add_days
from portal.dates import add_months as add_months
from portal.domain import COLOUR_ORDER, Colour
from portal.rules.model import Thresholds


@dataclass(frozen=True)
class ColourDecision:
    colour: Colour
    # Why, in the words the public site shows.
    reason: str
    # The next date on which the colour changes by itself (None: only a new record changes it).
    changes_on: date | None
    rule: str = "due_date_colour"
    # The day a correction ended the red warning (portal.rules.record_colours); None: none.
    corrected_on: date | None = None


def worst_colour(colours: Iterable[Colour]) -> Colour | None:
    """The worst of some colours (red over yellow over green); None when there are none."""
    return max(colours, key=COLOUR_ORDER.__getitem__, default=None)


def due_date_colour(
    due: date | None,
    today: date,
    *,
    thresholds: Thresholds | None = None,
    what: str = "检验",
) -> ColourDecision:
    """The warning colour of something due on `due`, seen on `today` (yellow from
    `thresholds.yellow_months` before it; the defaults when None).

    `what` names the obligation in the reason (检验, 检定, 许可证有效期, 证书有效期).
    A missing due date means the obligation was never met: red.
    """
    yellow_months = (thresholds or Thresholds()).yellow_months
    if due is None:
        return ColourDecision(Colour.red, f"无{what}记录", None)
    if due < today:
        days = (today - due).days
        return ColourDecision(Colour.red, f"{what}已超期{days}天(应于{due.isoformat()}前)", None)
    yellow_from = add_months(due, -yellow_months)
    if today >= yellow_from:
        return ColourDecision(
            Colour.yellow,
            f"距{what}到期不超过{yellow_months}个月(到期日{due.isoformat()})",
            add_days(due, 1),
        )
    return ColourDecision(Colour.green, f"{what}在有效期内(到期日{due.isoformat()})", yellow_from)
