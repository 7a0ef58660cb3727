"""suspect_add: a new person taking part in the case as a suspect, one audit row and one
SUSPECT_IDENTIFIED step, both holding codes and ids only."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from continuum.audit.models import AuditEvent
from continuum.cases.models import CaseParticipant, ParticipantRole
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import actions
from continuum.justice.tests.conftest import snapshot

pytestmark = pytest.mark.django_db

CANARY_FIRST, CANARY_LAST, CANARY_ALIAS = "Zebedaiah", "Quillfeather", "Kingpin Canary"


def test_it_writes_the_person_the_participant_one_audit_row_and_one_event(detective, team_case) -> None:
    audit_before = AuditEvent.objects.count()
    events_before = JourneyEvent.objects.filter(case=team_case).count()
    participant = actions.suspect_add(
        actor=detective,
        case=team_case,
        first_name=f"  {CANARY_FIRST} ",
        last_name=CANARY_LAST,
        aliases=[CANARY_ALIAS, CANARY_ALIAS],
        relationship="employer",
        perpetrator_roles=["RecruiterOrIntermediary", "ControlledIndividual"],
    )
    person = participant.person
    assert (person.first_name, person.last_name, person.aliases) == (
        CANARY_FIRST,
        CANARY_LAST,
        [CANARY_ALIAS],
    )
    assert (participant.role, participant.relationship_to_survivor, participant.perpetrator_roles) == (
        ParticipantRole.SUSPECT,
        "employer",
        ["RecruiterOrIntermediary", "ControlledIndividual"],
    )
    assert AuditEvent.objects.count() == audit_before + 1
    audit = AuditEvent.objects.get(object_type="cases.CaseParticipant", object_id=str(participant.pk))
    assert (audit.action, audit.case_id, audit.actor_id) == ("create", team_case.pk, detective.pk)
    assert audit.detail == {
        "person": str(person.pk),
        "role": "suspect",
        "relationship": "employer",
        "perpetrator_roles": ["RecruiterOrIntermediary", "ControlledIndividual"],
    }
    events = JourneyEvent.objects.filter(case=team_case).order_by("id")
    assert events.count() == events_before + 1
    event = events.last()
    assert event.kind == EventKind.SUSPECT_IDENTIFIED
    assert event.person_id is None
    assert event.data == {
        "participant": participant.pk,
        "relationship": "employer",
        "perpetrator_roles": ["RecruiterOrIntermediary", "ControlledIndividual"],
    }


def test_the_audit_row_and_the_event_never_hold_the_name(detective, team_case) -> None:
    participant = actions.suspect_add(
        actor=detective,
        case=team_case,
        first_name=CANARY_FIRST,
        aliases=[CANARY_ALIAS],
        relationship="stranger",
    )
    audit = AuditEvent.objects.get(object_type="cases.CaseParticipant", object_id=str(participant.pk))
    event = JourneyEvent.objects.get(case=team_case, kind=EventKind.SUSPECT_IDENTIFIED)
    for text in (json.dumps(audit.detail), json.dumps(audit.fields), json.dumps(event.data)):
        for canary in (CANARY_FIRST, CANARY_ALIAS, "Kingpin"):
            assert canary not in text


def test_an_alias_alone_is_enough_for_a_labor_case_employer(detective, team_case) -> None:
    participant = actions.suspect_add(
        actor=detective, case=team_case, aliases=["the farm boss"], relationship="employer"
    )
    assert participant.person.display_name == "(name not recorded)"
    assert participant.person.aliases == ["the farm boss"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "no_name"),
        ({"first_name": "   ", "aliases": ["  "]}, "no_name"),
        ({"first_name": "x" * 101}, "too_long"),
        ({"aliases": ["one, two"]}, "bad_alias"),
        ({"first_name": "Ann", "relationship": "cousin"}, "unknown_relationship"),
        ({"first_name": "Ann", "perpetrator_roles": ["Mastermind"]}, "unknown_role"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(detective, team_case, kwargs, code) -> None:
    before = snapshot(team_case)
    with pytest.raises(ValidationError) as raised:
        actions.suspect_add(actor=detective, case=team_case, **kwargs)
    assert raised.value.code == code
    assert snapshot(team_case) == before
    assert not CaseParticipant.objects.filter(case=team_case, role=ParticipantRole.SUSPECT).exists()
