"""Fixtures of the justice tests: a case of the synthetic world with a survivor and a suspect, and
a fresh case of our own whose team (Hartford Police, the State's Attorney) the coordinator made
with the real action, so that nothing of the world leaks in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.utils import timezone

from continuum.access import grants
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.coordination.actions import team_add
from continuum.coordination.models import CaseTeamMember, TeamRole
from continuum.journeys.models import JourneyEvent
from continuum.justice import actions
from continuum.justice.models import Charge, Disposition, Investigation, Prosecution
from continuum.org.models import Agency, AgencyKind, Membership, Role, User
from continuum.people.models import Person


@pytest.fixture
def case(db: Any) -> Case:
    suspects = CaseParticipant.objects.filter(role=ParticipantRole.SUSPECT).values("case_id")
    survivors = CaseParticipant.objects.filter(role=ParticipantRole.SURVIVOR).values("case_id")
    return Case.objects.filter(pk__in=suspects).filter(pk__in=survivors).order_by("reference").first()


@pytest.fixture
def suspect(case: Case) -> Any:
    return CaseParticipant.objects.filter(case=case, role=ParticipantRole.SUSPECT).first().person


@pytest.fixture
def survivor(case: Case) -> Any:
    return CaseParticipant.objects.filter(case=case, role=ParticipantRole.SURVIVOR).first().person


@pytest.fixture
def detective(persona: Any) -> Any:
    return persona("detective")


@pytest.fixture
def prosecutor(persona: Any) -> Any:
    return persona("prosecutor")


def join_team(case: Case, *users: User) -> Case:
    """Put each user on the case team (made without team_add: no audit row, no journey event)."""
    for user in users:
        member = CaseTeamMember.objects.create(
            case=case, user=user, agency=user.membership.agency, team_role=TeamRole.OTHER
        )
        grants.refresh(member)
    return case


def make_team_case(coordinator: User, *members: tuple[User, str], trafficking_type: str = "labor") -> Case:
    """A fresh case of the coordinator's region with one survivor, the members put on its team by
    the coordinator (cases.actions.team_add)."""
    today = timezone.localdate()
    case = Case.objects.create(
        region=coordinator.membership.agency.region,
        lead_agency=coordinator.membership.agency,
        referral_source="hotline",
        incoming_referral_date=today,
        opened_on=today,
    )
    Case.objects.filter(pk=case.pk).update(trafficking_type=trafficking_type, age_group="adult")
    case.refresh_from_db()
    survivor = Person.objects.create(first_name="Justicetest", birth_date=dt.date(today.year - 30, 2, 1))
    CaseParticipant.objects.create(case=case, person=survivor, role=ParticipantRole.SURVIVOR)
    for user, team_role in members:
        team_add(actor=coordinator, case=case, user=user, agency=user.membership.agency, team_role=team_role)
    return case


@pytest.fixture
def team_case(persona: Any) -> Case:
    """Hartford Police (the detective) and the State's Attorney (the prosecutor) on the team."""
    return make_team_case(
        persona("coordinator"),
        (persona("detective"), TeamRole.INVESTIGATOR),
        (persona("prosecutor"), TeamRole.PROSECUTOR),
    )


@pytest.fixture
def charged(detective: User) -> Callable[..., list[Charge]]:
    """The detective adds a suspect, arrests them and files charges (all with the real actions)."""

    def charge(case: Case, sections: Sequence[str] = ("53a-192a", "53a-86")) -> list[Charge]:
        participant = actions.suspect_add(
            actor=detective,
            case=case,
            aliases=["Boss"],
            relationship="employer",
            perpetrator_roles=["Abuser"],
        )
        investigation = Investigation.objects.filter(
            case=case, status="open"
        ).first() or actions.investigation_open(
            actor=detective, case=case, agency=detective.membership.agency, kind="labor", lead=detective
        )
        arrest = actions.arrest_record(
            actor=detective,
            investigation=investigation,
            suspect=participant.person,
            agency=detective.membership.agency,
        )
        return [
            actions.charge_file(actor=detective, arrest=arrest, statute=s, counts=i + 1)
            for i, s in enumerate(sections)
        ]

    return charge


@pytest.fixture
def prosecutor_west(db: Any) -> User:
    """A prosecutor of the State's Attorney's office of another region (Western)."""
    office = (
        Agency.objects.filter(region__code="western", kind=AgencyKind.PROSECUTION).order_by("name").first()
    )
    assert office is not None
    user = User.objects.create_user(username="prosecutor_west_test", password="unused-in-tests-7391")
    Membership.objects.create(user=user, agency=office, role=Role.PROSECUTOR)
    return User.objects.select_related("membership__agency__region").get(pk=user.pk)


def snapshot(case: Case) -> dict[str, Any]:
    """Everything of a case that a justice write could change, for "nothing changed" checks."""
    return {
        "people": Person.objects.count(),
        "participants": sorted(
            CaseParticipant.objects.filter(case=case).values_list("id", "relationship_to_survivor")
        ),
        "investigations": sorted(
            (str(pk), status, version)
            for pk, status, version in Investigation.objects.filter(case=case).values_list(
                "id", "status", "version"
            )
        ),
        "prosecutions": sorted(
            (str(pk), status, version)
            for pk, status, version in Prosecution.objects.filter(case=case).values_list(
                "id", "status", "version"
            )
        ),
        "prosecuted_charges": Prosecution.charges.through.objects.filter(prosecution__case=case).count(),
        "dispositions": Disposition.objects.filter(charge__arrest__investigation__case=case).count(),
        "events": JourneyEvent.objects.filter(case=case).count(),
        "audit_writes": AuditEvent.objects.filter(case_id=case.pk)
        .exclude(action__in=["view", "view_justice", "view_prosecution", "deny"])
        .exclude(action__startswith="open_")  # the access layer's row of each read
        .count(),
    }
