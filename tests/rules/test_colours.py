"""The article's warning colours for special-equipment inspection, with an explicit today."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain import Colour
from portal.rules import add_months, due_date_colour
from portal.rules.model import Thresholds

TODAY = date(2013, 11, 30)  # the day of the article's inspection at 鹏盛鑫


@pytest.mark.parametrize(
    ("due", "colour"),
    [
        (date(2015, 1, 1), Colour.green),  # just inspected: more than a year left
        (date(2014, 7, 1), Colour.green),  # more than seven months left
        (date(2014, 6, 15), Colour.green),  # between six and seven months: the glossary says green
        (date(2014, 5, 31), Colour.yellow),  # exactly half a year left
        (date(2014, 1, 10), Colour.yellow),  # weeks left
        (TODAY, Colour.yellow),  # due today is not yet overdue
        (date(2013, 11, 29), Colour.red),  # one day overdue
        (None, Colour.red),  # never inspected
    ],
)
def test_due_date_colour_follows_the_article(due: date | None, colour: Colour) -> None:
    assert due_date_colour(due, TODAY).colour is colour


def test_reason_and_next_change_are_given() -> None:
    green = due_date_colour(date(2014, 12, 31), TODAY, what="定期检验")
    assert "定期检验" in green.reason and "2014-12-31" in green.reason
    assert green.changes_on == date(2014, 6, 30)  # turns yellow six months before the due date
    assert due_date_colour(date(2014, 12, 31), green.changes_on).colour is Colour.yellow

    yellow = due_date_colour(date(2014, 1, 10), TODAY)
    assert yellow.changes_on == date(2014, 1, 11)  # turns red the day after the due date

    red = due_date_colour(date(2013, 11, 20), TODAY)
    assert "超期10天" in red.reason and red.changes_on is None


def test_threshold_is_a_setting() -> None:
    due = date(2014, 3, 15)
    six, three = Thresholds(yellow_months=6), Thresholds(yellow_months=3)
    assert due_date_colour(due, TODAY, thresholds=six).colour is Colour.yellow
    assert due_date_colour(due, TODAY, thresholds=three).colour is Colour.green


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2014, 8, 31), -6, date(2014, 2, 28)),
        (date(2016, 8, 31), -6, date(2016, 2, 29)),
        (date(2013, 11, 30), 1, date(2013, 12, 30)),
        (date(2013, 12, 31), 2, date(2014, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
