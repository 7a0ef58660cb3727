from __future__ import annotations

import uuid

import pytest

from continuum.audit.log import record
from continuum.audit.selectors import events_for_case, flagged_events


@pytest.mark.django_db
def test_events_for_a_case_come_newest_first_and_only_for_that_case():
    case_id, other = uuid.uuid4(), uuid.uuid4()
    first = record(actor=None, action="view", case_id=case_id)
    record(actor=None, action="view", case_id=other)
    second = record(actor=None, action="update", case_id=case_id, fields=["status"])

    assert [e.id for e in events_for_case(case_id)] == [second.id, first.id]
    assert [e.id for e in events_for_case(str(case_id))] == [second.id, first.id]


@pytest.mark.django_db
def test_flagged_events_hold_only_flagged_rows():
    before = set(flagged_events().values_list("id", flat=True))
    flagged = record(actor=None, action="break_glass_start", flagged=True, detail={"reason": "emergency"})
    record(actor=None, action="view")
    review = record(actor=None, action="break_glass_review", detail={"reviews": flagged.id})

    new = [e.id for e in flagged_events() if e.id not in before]
    assert new == [flagged.id]
    assert review.id not in new
