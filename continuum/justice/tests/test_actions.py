"""The justice actions: one audit row each, journey events, and the rules they keep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from continuum.audit.models import AuditEvent
from continuum.cases.models import CaseParticipant, ParticipantRole
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.models import (
    Arrest,
    Charge,
    Investigation,
    InvestigationStatus,
    ProsecutionStatus,
)
from continuum.justice.tests.conftest import join_team
from continuum.org.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def case(case, detective, prosecutor):
    """The world's case, with the detective and the prosecutor on its team: the actions ask the
    policy, which lets an agency on the team investigate and prosecute."""
    return join_team(case, detective, prosecutor)


def open_investigation(detective, case, **kwargs) -> Investigation:
    return actions.investigation_open(
        actor=detective, case=case, agency=detective.membership.agency, kind="labor", **kwargs
    )


def test_opening_writes_the_investigation_an_audit_row_and_a_journey_event(detective, case) -> None:
    investigation = open_investigation(detective, case, lead=detective)
    assert (investigation.status, investigation.kind, investigation.lead) == ("open", "labor", detective)
    audit = AuditEvent.objects.get(object_type="justice.Investigation", object_id=str(investigation.pk))
    assert (audit.action, audit.case_id, audit.actor_id) == ("create", case.pk, detective.pk)
    assert audit.detail == {"kind": "labor", "agency": detective.membership.agency_id}
    event = JourneyEvent.objects.get(case=case, kind=EventKind.INVESTIGATION_OPENED, data__kind="labor")
    assert event.person_id is None
    assert event.data == {"investigation": str(investigation.pk), "kind": "labor"}


def test_it_refuses_an_agency_that_does_not_investigate(detective, case) -> None:
    advocacy = Agency.objects.filter(kind=AgencyKind.ADVOCACY).first()
    with pytest.raises(ValidationError) as raised:
        actions.investigation_open(actor=detective, case=case, agency=advocacy, kind="sex")
    assert raised.value.code == "wrong_agency_kind"


def test_it_refuses_a_lead_of_another_agency(detective, persona, case) -> None:
    with pytest.raises(ValidationError) as raised:
        open_investigation(detective, case, lead=persona("detective_west"))
    assert raised.value.code == "bad_lead"


def test_it_refuses_an_arrest_of_someone_who_is_not_a_suspect(detective, case, survivor) -> None:
    investigation = open_investigation(detective, case)
    assert not CaseParticipant.objects.filter(
        case=case, person=survivor, role=ParticipantRole.SUSPECT
    ).exists()
    with pytest.raises(ValidationError) as raised:
        actions.arrest_record(
            actor=detective, investigation=investigation, suspect=survivor, agency=detective.membership.agency
        )
    assert raised.value.code == "not_a_suspect"
    assert not Arrest.objects.filter(investigation=investigation).exists()


def test_it_refuses_a_suspect_of_another_case(detective, case) -> None:
    investigation = open_investigation(detective, case)
    other = (
        CaseParticipant.objects.filter(role=ParticipantRole.SUSPECT)
        .exclude(case=case)
        .exclude(person__participations__case=case)
        .first()
    )
    with pytest.raises(ValidationError):
        actions.arrest_record(
            actor=detective,
            investigation=investigation,
            suspect=other.person,
            agency=detective.membership.agency,
        )


def test_it_records_the_arrest_of_a_suspect(detective, case, suspect) -> None:
    investigation = open_investigation(detective, case)
    at = dt.datetime(2025, 3, 4, 10, tzinfo=UTC)
    arrest = actions.arrest_record(
        actor=detective,
        investigation=investigation,
        suspect=suspect,
        agency=detective.membership.agency,
        arrested_at=at,
    )
    assert (arrest.suspect, arrest.arrested_at) == (suspect, at)
    audit = AuditEvent.objects.get(object_type="justice.Arrest", object_id=str(arrest.pk))
    assert audit.case_id == case.pk
    event = JourneyEvent.objects.get(case=case, kind=EventKind.ARREST_MADE, data__arrest=str(arrest.pk))
    assert event.occurred_at == at
    assert event.person_id is None


def test_a_charge_takes_its_class_from_the_table(detective, case, suspect) -> None:
    investigation = open_investigation(detective, case)
    arrest = actions.arrest_record(
        actor=detective, investigation=investigation, suspect=suspect, agency=detective.membership.agency
    )
    charge = actions.charge_file(actor=detective, arrest=arrest, statute="53a-192a", counts=2)
    charge.refresh_from_db()
    assert (charge.statute, charge.offense_level, charge.felony_class, charge.counts) == (
        "53a-192a",
        "felony_b",
        "B",
        2,
    )
    misdemeanor = actions.charge_file(actor=detective, arrest=arrest, statute="53a-192")
    assert misdemeanor.felony_class is None
    audit = AuditEvent.objects.get(object_type="justice.Charge", object_id=str(charge.pk))
    assert audit.detail == {"statute": "53a-192a", "level": "felony_b", "counts": 2}
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.CHARGE_FILED).count() >= 2


@pytest.mark.parametrize(("statute", "counts"), [("53a-999", 1), ("53a-192a", 0), ("53a-192a", -1)])
def test_a_charge_needs_a_known_statute_and_a_count(detective, case, suspect, statute, counts) -> None:
    investigation = open_investigation(detective, case)
    arrest = actions.arrest_record(
        actor=detective, investigation=investigation, suspect=suspect, agency=detective.membership.agency
    )
    with pytest.raises(ValidationError):
        actions.charge_file(actor=detective, arrest=arrest, statute=statute, counts=counts)
    assert not Charge.objects.filter(arrest=arrest).exists()


def test_a_prosecution_is_disposed_when_all_its_charges_are(detective, prosecutor, case, suspect) -> None:
    investigation = open_investigation(detective, case)
    arrest = actions.arrest_record(
        actor=detective, investigation=investigation, suspect=suspect, agency=detective.membership.agency
    )
    first = actions.charge_file(actor=detective, arrest=arrest, statute="53a-192a")
    second = actions.charge_file(actor=detective, arrest=arrest, statute="53a-86")
    with pytest.raises(ValidationError):
        actions.prosecution_open(
            actor=prosecutor, case=case, agency=detective.membership.agency, charges=[first]
        )
    prosecution = actions.prosecution_open(
        actor=prosecutor, case=case, agency=prosecutor.membership.agency, charges=[first, second]
    )
    actions.disposition_record(
        actor=prosecutor, charge=first, outcome="convicted_plea", sentence_summary="5 years, 2 suspended"
    )
    prosecution.refresh_from_db()
    assert prosecution.status == ProsecutionStatus.PENDING
    actions.disposition_record(actor=prosecutor, charge=second, outcome="nolle")
    prosecution.refresh_from_db()
    assert prosecution.status == ProsecutionStatus.DISPOSED
    assert JourneyEvent.objects.filter(
        case=case, kind=EventKind.CHARGE_DISPOSED, data__outcome="nolle"
    ).exists()
    ended = JourneyEvent.objects.get(
        case=case, kind=EventKind.PROSECUTION_DISPOSED, data__prosecution=str(prosecution.pk)
    )
    assert ended.data["outcomes"] == ["convicted_plea", "nolle"]
    with pytest.raises(ValidationError) as raised:
        actions.disposition_record(actor=prosecutor, charge=second, outcome="acquitted")
    assert raised.value.code == "disposed"


def test_a_prosecution_takes_only_the_cases_charges(detective, prosecutor, case, suspect) -> None:
    investigation = open_investigation(detective, case)
    arrest = actions.arrest_record(
        actor=detective, investigation=investigation, suspect=suspect, agency=detective.membership.agency
    )
    charge = actions.charge_file(actor=detective, arrest=arrest, statute="53a-192a")
    other_case = join_team(type(case).objects.exclude(pk=case.pk).first(), prosecutor)
    with pytest.raises(ValidationError) as raised:
        actions.prosecution_open(
            actor=prosecutor, case=other_case, agency=prosecutor.membership.agency, charges=[charge]
        )
    assert raised.value.code == "charge_of_other_case"


def test_an_unknown_outcome_is_refused(detective, prosecutor, case, suspect) -> None:
    investigation = open_investigation(detective, case)
    arrest = actions.arrest_record(
        actor=detective, investigation=investigation, suspect=suspect, agency=detective.membership.agency
    )
    charge = actions.charge_file(actor=detective, arrest=arrest, statute="53a-192a")
    with pytest.raises(ValidationError):
        actions.disposition_record(actor=prosecutor, charge=charge, outcome="cooperated")


def test_closing_an_investigation_is_audited_and_refuses_stale_or_repeated_edits(
    detective, case, suspect
) -> None:
    investigation = open_investigation(detective, case)
    with pytest.raises(ValidationError) as stale:
        actions.investigation_close(actor=detective, investigation=investigation, expected_version=99)
    assert stale.value.code == "stale"
    closed = actions.investigation_close(actor=detective, investigation=investigation, expected_version=1)
    assert (closed.status, closed.version) == (InvestigationStatus.CLOSED, 2)
    assert closed.closed_at is not None
    audit = AuditEvent.objects.filter(object_type="justice.Investigation", object_id=str(investigation.pk))
    assert [a.action for a in audit.order_by("id")] == ["create", "update"]
    with pytest.raises(ValidationError) as again:
        actions.investigation_close(actor=detective, investigation=closed, expected_version=closed.version)
    assert again.value.code == "closed"
    with pytest.raises(ValidationError) as raised:
        actions.arrest_record(
            actor=detective, investigation=closed, suspect=suspect, agency=detective.membership.agency
        )
    assert raised.value.code == "closed"
