"""portal.readmodels.masking: the read models hand out rows whose free text is masked, and the
stored rows keep the original, even when the session that read them writes afterwards."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from portal.readmodels.credit_file import get_credit_file
from portal.readmodels.lists import list_enterprises_on
from portal.storage.db import session_scope
from portal.storage.models import Complaint, Designation
from tests import factories as f

TODAY = date(2026, 11, 24)
SUMMARY = "举报人手机13891712345,身份证号610302198807150026"
MASKED = "举报人手机138****2345,身份证号6103**********0026"


def test_the_credit_file_is_masked_and_the_row_is_not(
    session_factory: sessionmaker[Session],
) -> None:
    with session_scope(session_factory) as s:
        e = f.add_enterprise(s)
        f.add_complaint(s, e, summary=SUMMARY)
        f.add_designation(s, e, "blacklist", title="拒不整改", reason=SUMMARY)
        uscc = e.uscc
    with session_factory() as s:
        file = get_credit_file(s, uscc, TODAY)
        assert [c.summary for c in file.complaints] == [MASKED]
        assert [d.reason for d in file.designations] == [MASKED]
        # Read again in the same session: masked once, not twice.
        again = get_credit_file(s, uscc, TODAY)
        assert again.complaints[0].summary == MASKED
        listed = list_enterprises_on(s, "blacklist", TODAY).items
        assert [x.designation.reason for x in listed] == [MASKED]
        # A change to another column of the same row writes that column only.
        file.complaints[0].outcome = "已处理"
        s.commit()
    with session_factory() as s:
        complaint = s.scalars(select(Complaint)).one()
        assert (complaint.summary, complaint.outcome) == (SUMMARY, "已处理")
        assert s.scalars(select(Designation.reason)).one() == SUMMARY
