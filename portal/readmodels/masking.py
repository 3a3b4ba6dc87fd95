"""Personal data in the free text of the rows the public reads, masked on the way out.

The read models (`portal.readmodels`: the credit file, the lists and, in `ended`,
what the feeds announce as withdrawn) pass their rows through `mask_rows` before they hand them
to the site, GraphQL or the feeds, so that no output can show a resident ID or telephone number
a complainant left in a complaint, a reason or a notice item (portal.privacy says what is found
and how it is masked). The stored row keeps the original: `set_committed_value` replaces only
this session's copy of the value and marks nothing to be written, so no flush can store the
masked text. The masking is idempotent: a row read twice in one session is masked once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm.attributes import set_committed_value

from portal.privacy import mask_text
from portal.storage.models import (
    Complaint,
    Correction,
    CreditRepair,
    Designation,
    EnforcementCase,
    Licence,
    RectificationItem,
    RectificationNotice,
    SamplingInspection,
    SpecialEquipment,
)

if TYPE_CHECKING:
    from portal.readmodels.credit_file import CreditFile
    from portal.rules.model import Decision, OpenItem

# The columns people write in their own words, per kind of record: every text the public reads
# that is not a code, a name of a thing, a date or an enterprise's own field.
FREE_TEXT: dict[type, tuple[str, ...]] = {
    Complaint: ("summary", "outcome"),
    EnforcementCase: ("violation", "penalty"),
    Designation: ("title", "reason"),
    RectificationItem: ("description",),
    SamplingInspection: ("failed_items",),
    Licence: ("scope",),
    SpecialEquipment: ("location",),
    Correction: ("note",),
    CreditRepair: ("note",),
}


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_text(v) if isinstance(v, str) else v for v in value]
    return value


def mask_row(row: object) -> None:
    """Mask the free text of one row in this session's copy (see the module docstring)."""
    for column in FREE_TEXT.get(type(row), ()):
        value = getattr(row, column)
        masked = _masked(value)
        if masked != value:
            set_committed_value(row, column, masked)
    if isinstance(row, Designation) and row.derivation and row.derivation.get("text"):
        # What the rules derived it from: the status explanation reads it (stored_decision).
        text = mask_text(row.derivation["text"])
        if text != row.derivation["text"]:
            set_committed_value(row, "derivation", {**row.derivation, "text": text})
    if isinstance(row, RectificationNotice):
        mask_rows(row.items)


def mask_rows(rows: Iterable[object]) -> None:
    for row in rows:
        mask_row(row)


def mask_decision(d: Decision) -> Decision:
    """A rule's decision, whose reason may quote a designation's title or reason."""
    return replace(d, reason=mask_text(d.reason), next_change=mask_text(d.next_change))


def mask_open_item(item: OpenItem) -> OpenItem:
    return replace(item, title=mask_text(item.title), text=mask_text(item.text))


def mask_credit_file(file: CreditFile) -> None:
    """Mask every free text of a credit file: its rows, the rules' decisions and open items."""
    mask_rows(c.record for c in file.licences)
    mask_rows(c.record for c in file.equipment)
    mask_rows([*file.sampling_inspections, *file.rectification_notices])
    mask_rows([*file.enforcement_cases, *file.complaints, *file.designations, *file.suspended])
    file.decisions = {k: mask_decision(d) for k, d in file.decisions.items()}
    file.notice_decisions = {k: mask_decision(d) for k, d in file.notice_decisions.items()}
    file.open_items = [mask_open_item(i) for i in file.open_items]
