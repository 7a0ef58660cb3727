"""investigation_status_set: open, suspended, closed, with the version the editor read; a stale
edit is refused and changes nothing; closing is the journey's INVESTIGATION_CLOSED step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.core.locking import StaleEdit
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.models import Investigation, InvestigationStatus
from continuum.justice.tests.conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["sex", "labor"])
def investigation(request, detective, team_case) -> Investigation:
    return actions.investigation_open(
        actor=detective, case=team_case, agency=detective.membership.agency, kind=request.param
    )


def test_it_suspends_resumes_and_closes_with_one_audit_row_each(detective, investigation) -> None:
    suspended = actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=1
    )
    assert (suspended.status, suspended.version, suspended.closed_at) == ("suspended", 2, None)
    resumed = actions.investigation_status_set(
        actor=detective, investigation=suspended, status="open", expected_version=2
    )
    closed = actions.investigation_status_set(
        actor=detective, investigation=resumed, status="closed", expected_version=3
    )
    assert (closed.status, closed.version) == (InvestigationStatus.CLOSED, 4)
    assert closed.closed_at is not None
    rows = AuditEvent.objects.filter(object_type="justice.Investigation", object_id=str(investigation.pk))
    assert [(r.action, r.detail.get("status")) for r in rows.order_by("id")] == [
        ("create", None),
        ("update", "suspended"),
        ("update", "open"),
        ("update", "closed"),
    ]
    closing = JourneyEvent.objects.get(case=investigation.case, kind=EventKind.INVESTIGATION_CLOSED)
    assert closing.data == {"investigation": str(investigation.pk), "kind": investigation.kind}
    assert closing.occurred_at == closed.closed_at


def test_suspending_is_no_journey_step(detective, investigation) -> None:
    before = JourneyEvent.objects.filter(case=investigation.case).count()
    actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=1
    )
    assert JourneyEvent.objects.filter(case=investigation.case).count() == before


def test_a_stale_edit_is_refused_names_what_changed_and_changes_nothing(detective, investigation) -> None:
    actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=1
    )
    before = snapshot(investigation.case)
    with pytest.raises(StaleEdit) as raised:
        actions.investigation_status_set(
            actor=detective,
            investigation=investigation,
            status="closed",
            expected_version=1,
            seen_status="open",
        )
    assert raised.value.code == "stale"
    assert raised.value.changed == {"status": ("Open", "Suspended")}
    assert raised.value.current.version == 2
    assert snapshot(investigation.case) == before
    investigation.refresh_from_db()
    assert (investigation.status, investigation.closed_at) == ("suspended", None)


@pytest.mark.parametrize("status", ["reopened", "", "open"])
def test_an_unknown_or_unchanged_status_is_refused(detective, investigation, status) -> None:
    before = snapshot(investigation.case)
    with pytest.raises(ValidationError) as raised:
        actions.investigation_status_set(
            actor=detective, investigation=investigation, status=status, expected_version=1
        )
    assert raised.value.code in {"unknown_status", "unchanged"}
    assert snapshot(investigation.case) == before


def test_a_closed_investigation_stays_closed(detective, investigation) -> None:
    actions.investigation_close(actor=detective, investigation=investigation, expected_version=1)
    with pytest.raises(ValidationError) as raised:
        actions.investigation_status_set(
            actor=detective, investigation=investigation, status="open", expected_version=2
        )
    assert raised.value.code == "closed"


def test_it_cannot_close_in_the_future_or_before_it_opened(detective, investigation) -> None:
    for moment in (
        timezone.now() + dt.timedelta(days=1),
        investigation.opened_at - dt.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as raised:
            actions.investigation_status_set(
                actor=detective, investigation=investigation, status="closed", expected_version=1, at=moment
            )
        assert raised.value.code == "bad_date"
    investigation.refresh_from_db()
    assert investigation.status == "open"
