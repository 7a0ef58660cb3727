"""disposition_record: how one charge ended (CHARGE_DISPOSED); the prosecution is disposed when
its last charge is (PROSECUTION_DISPOSED, after the charge's step)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.audit.models import AuditEvent
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.models import ProsecutionStatus
from continuum.justice.tests.conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def prosecuted(prosecutor, team_case, charged):
    charges = charged(team_case)
    prosecution = actions.prosecution_open(
        actor=prosecutor, case=team_case, agency=prosecutor.membership.agency, charges=charges
    )
    return prosecution, charges


def test_the_last_disposition_disposes_of_the_prosecution_after_the_charge_step(
    prosecutor, team_case, prosecuted
) -> None:
    prosecution, (first, second) = prosecuted
    start = JourneyEvent.objects.filter(case=team_case).order_by("-id").values_list("id", flat=True).first()
    actions.disposition_record(
        actor=prosecutor, charge=first, outcome="convicted_trial", sentence_summary="8 years"
    )
    prosecution.refresh_from_db()
    assert prosecution.status == ProsecutionStatus.PENDING
    audit_before = AuditEvent.objects.count()
    disposition = actions.disposition_record(actor=prosecutor, charge=second, outcome="dismissed")
    assert AuditEvent.objects.count() == audit_before + 1
    audit = AuditEvent.objects.get(object_type="justice.Disposition", object_id=str(disposition.pk))
    assert audit.detail["prosecutions_disposed"] == [str(prosecution.pk)]
    prosecution.refresh_from_db()
    assert (prosecution.status, prosecution.version) == (ProsecutionStatus.DISPOSED, 2)
    steps = JourneyEvent.objects.filter(case=team_case, id__gt=start).order_by("occurred_at", "id")
    assert [(e.kind, e.data.get("outcome")) for e in steps] == [
        (EventKind.CHARGE_DISPOSED, "convicted_trial"),
        (EventKind.CHARGE_DISPOSED, "dismissed"),
        (EventKind.PROSECUTION_DISPOSED, None),
    ]
    assert steps.last().data == {
        "prosecution": str(prosecution.pk),
        "outcomes": ["convicted_trial", "dismissed"],
    }
    assert all(e.person_id is None for e in steps)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"outcome": "cooperated"}, "unknown_outcome"),
        ({"outcome": ""}, "unknown_outcome"),
        ({"outcome": "nolle", "decided_at": timezone.now() + dt.timedelta(days=2)}, "bad_date"),
        ({"outcome": "nolle", "decided_at": timezone.now() - dt.timedelta(days=3)}, "bad_date"),
        ({"outcome": "nolle", "decided_at": dt.datetime(2025, 1, 1, 12)}, "bad_date"),  # naive
        ({"outcome": "nolle", "sentence_summary": "x" * 201}, "too_long"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(prosecutor, team_case, prosecuted, kwargs, code) -> None:
    _prosecution, (first, _second) = prosecuted
    before = snapshot(team_case)
    with pytest.raises(ValidationError) as raised:
        actions.disposition_record(actor=prosecutor, charge=first, **kwargs)
    assert raised.value.code == code
    assert snapshot(team_case) == before


def test_a_charge_is_disposed_of_once(prosecutor, team_case, prosecuted) -> None:
    _prosecution, (first, _second) = prosecuted
    actions.disposition_record(actor=prosecutor, charge=first, outcome="nolle")
    before = snapshot(team_case)
    with pytest.raises(ValidationError) as raised:
        actions.disposition_record(actor=prosecutor, charge=first, outcome="acquitted")
    assert raised.value.code == "disposed"
    assert snapshot(team_case) == before
