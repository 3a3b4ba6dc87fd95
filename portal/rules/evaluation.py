"""The types of the credit rules' evaluation of one enterprise (portal.rules.engine): the entries
the rules reason about and what one evaluation returns.

They live apart from the engine so that the rule modules it calls (portal.rules.exemplary,
portal.rules.open_items) read them without importing the engine: the imports go one way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.domain import Severity
from portal.rules.model import Decision, DerivedCase, DerivedDesignation, OpenItem, Period
from portal.rules.periods import RepairOutcome
from portal.rules.record_colours import RecordColours

Identity = tuple[str, str]


@dataclass
class Entry:
    """A designation the rules reason about: an ingested row or a derived one."""

    identity: Identity
    list_name: str
    title: str
    severity: Severity | None
    starts_on: date
    published: date  # the day it became (or becomes) public: P
    ends_on: date | None
    corrected_on: date | None
    health: bool
    products: tuple[str, ...]
    version: int
    spec: DerivedDesignation | None = None
    repair: RepairOutcome = field(default_factory=lambda: RepairOutcome(None, ""))
    eligible_from: date | None = None
    upgrade_on: date | None = None  # the upgrade's day (a bad record)
    upgrade_to: str | None = None  # the upgrade's list
    upgraded_by_bureau: bool = False
    lapse_on: date | None = None  # the lapse's day (exemplary)
    suspensions: list[Period] = field(default_factory=list)  # (exemplary) portal.rules.exemplary
    # The entries of the enterprise, for the explanation of a suspension.
    others: list[Entry] = field(default_factory=list, repr=False)
    display_until: date | None = None

    @property
    def derived(self) -> bool:
        return self.spec is not None


@dataclass
class Evaluation:
    uscc: str
    today: date
    # What the rules derive (rows of source system credit_rules), and the derived cases.
    designations: list[DerivedDesignation] = field(default_factory=list)
    cases: list[DerivedCase] = field(default_factory=list)
    # Every designation's last public day, by identity (system, record id); None: no end.
    display_until: dict[Identity, date | None] = field(default_factory=dict)
    # An exemplary designation's suspension in force today or next (first, last day), or None.
    suspension: dict[Identity, Period | None] = field(default_factory=dict)
    decisions: dict[Identity, Decision] = field(default_factory=dict)
    notices: dict[Identity, Decision] = field(default_factory=dict)
    open_items: list[OpenItem] = field(default_factory=list)
    # The colour of every record with a due date, and the overall colour (综合预警).
    colours: RecordColours = field(default_factory=RecordColours)
