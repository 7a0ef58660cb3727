"""`screening_record` stores one result, one audit row and one journey event, for survivors only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.screening.actions import screening_record
from continuum.screening.models import ScreeningResult
from continuum.screening.tests.answers import answers

pytestmark = pytest.mark.django_db

LABOR = answers(age_at_start=34, work_done="yes", work_found_by="offered_by_someone", debt_owed="yes")


@pytest.fixture
def case(persona) -> Case:
    """A case of the coordinator's region: the coordinator may screen its survivors."""
    region = persona("coordinator").membership.agency.region
    return Case.objects.filter(region=region).order_by("reference").first()


@pytest.fixture
def survivor(case):
    return CaseParticipant.objects.filter(case=case, role="survivor").first().person


def counts(case):
    return (
        ScreeningResult.objects.filter(case=case).count(),
        AuditEvent.objects.filter(object_type="screening.ScreeningResult").count(),
        JourneyEvent.objects.filter(case=case, kind=EventKind.SCREENED).count(),
    )


def test_it_records_the_result_an_audit_row_and_a_journey_event(persona, case, survivor) -> None:
    coordinator = persona("coordinator")
    before = counts(case)
    result = screening_record(actor=coordinator, case=case, person=survivor, answers=LABOR)
    assert counts(case) == (before[0] + 1, before[1] + 1, before[2] + 1)

    result.refresh_from_db()
    assert (result.result, result.trafficking_type, result.minor) == ("trafficking_indicated", "labor", False)
    assert (result.instrument_name, result.instrument_version) == ("default", "1.0.0")
    assert "means:debt_bondage" in result.elements
    assert result.answers["debt_owed"] == "yes"
    assert result.screened_by == coordinator

    audit = AuditEvent.objects.get(object_type="screening.ScreeningResult", object_id=str(result.pk))
    assert audit.action == "create"
    assert audit.case_id == case.pk
    assert audit.fields == ["result", "elements"]
    assert audit.detail == {"result": "trafficking_indicated", "instrument": "default", "version": "1.0.0"}

    event = JourneyEvent.objects.filter(case=case, kind=EventKind.SCREENED).latest("recorded_at", "id")
    assert event.person_id == survivor.pk
    assert event.data == {"result": "trafficking_indicated", "type": "labor"}


def test_a_result_without_a_type_stores_it_blank(persona, case, survivor) -> None:
    result = screening_record(actor=persona("coordinator"), case=case, person=survivor, answers={})
    assert (result.result, result.trafficking_type, result.minor) == ("insufficient_information", "", None)
    event = JourneyEvent.objects.filter(case=case, kind=EventKind.SCREENED).latest("recorded_at", "id")
    assert event.data == {"result": "insufficient_information", "type": None}


def test_it_refuses_someone_who_is_not_a_survivor_of_the_case(persona, case) -> None:
    survivors = CaseParticipant.objects.filter(case=case, role="survivor").values("person")
    other = (
        CaseParticipant.objects.exclude(case=case)
        .exclude(person__in=survivors)
        .select_related("person")
        .first()
    ).person
    before = counts(case)
    with pytest.raises(ValidationError) as caught:
        screening_record(actor=persona("coordinator"), case=case, person=other, answers=LABOR)
    assert caught.value.code == "not_a_survivor"
    assert counts(case) == before


def test_it_refuses_a_suspect_in_the_same_case(persona) -> None:
    region = persona("coordinator").membership.agency.region
    suspect = (
        CaseParticipant.objects.filter(role="suspect", case__region=region)
        .select_related("case", "person")
        .first()
    )
    if suspect is None:
        pytest.skip("the synthetic world has no suspect")
    if CaseParticipant.objects.filter(case=suspect.case, person=suspect.person, role="survivor").exists():
        pytest.skip("this suspect is also a survivor in the case")
    with pytest.raises(ValidationError):
        screening_record(
            actor=persona("coordinator"), case=suspect.case, person=suspect.person, answers=LABOR
        )


def test_it_refuses_invalid_answers_and_unknown_instruments(persona, case, survivor) -> None:
    before = counts(case)
    with pytest.raises(ValidationError, match="question 'debt_owed'") as caught:
        screening_record(
            actor=persona("coordinator"), case=case, person=survivor, answers={"debt_owed": "lots"}
        )
    assert caught.value.code == "invalid_answers"
    with pytest.raises(ValidationError) as caught:
        screening_record(
            actor=persona("coordinator"), case=case, person=survivor, answers={}, instrument_name="../default"
        )
    assert caught.value.code == "unknown_instrument"
    assert counts(case) == before
