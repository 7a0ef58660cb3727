"""The cases every generated permission test is tried on, picked from the synthetic world and
completed with consents in every state (in force, expired, revoked, and none)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from continuum.access import grants
from continuum.access.models import Consent, CourtOrder
from continuum.access.tests import oracle
from continuum.cases.models import Case, CaseParticipant, MandatedReport
from continuum.coordination.models import CaseTeamMember
from continuum.org.models import Agency, User

PERSONA_NAMES = [
    "coordinator",
    "intake",
    "advocate",
    "caseworker",
    "detective",
    "prosecutor",
    "detective_west",
    "provider",
    "analyst",
    "admin",
]


@dataclass(frozen=True)
class Scenario:
    name: str
    case: Case


def build() -> dict[str, Case]:
    """Cases by the situation they put the personas in (each exists in the session world)."""
    now = timezone.now()
    hartford_pd = Agency.objects.get(name="Hartford Police Department")
    advocate = User.objects.get(username="advocate")
    gh = Case.objects.filter(region__code="greater-hartford")
    team_ids = set(
        CaseTeamMember.objects.filter(user=advocate, removed_at=None).values_list("case_id", flat=True)
    )
    pd_ids = set(
        CaseTeamMember.objects.filter(agency=hartford_pd, removed_at=None).values_list("case_id", flat=True)
    )
    consented = set(Consent.objects.values_list("case_id", flat=True))
    plain = [
        c
        for c in gh.filter(age_group="adult").order_by("reference")
        if c.pk not in team_ids | pd_ids | consented
    ]
    picked = {
        "own_team": gh.filter(pk__in=team_ids & pd_ids).order_by("reference").first()
        or gh.filter(pk__in=team_ids).order_by("reference").first(),
        "child_case": gh.filter(age_group="minor")
        .exclude(pk__in=pd_ids | consented)
        .order_by("reference")
        .first(),
        "consent_in_force": plain[0],
        "consent_expired": plain[1],
        "consent_revoked": plain[2],
        "no_consent": plain[3],
        "other_region": Case.objects.filter(region__code="western").order_by("reference").first(),
    }
    survivor = {
        c: CaseParticipant.objects.get(case=picked[c], role="survivor").person
        for c in ("consent_in_force", "consent_expired", "consent_revoked")
    }
    for name, granted, expires, revoked in (
        ("consent_in_force", now - dt.timedelta(days=10), now + dt.timedelta(days=80), None),
        ("consent_expired", now - dt.timedelta(days=100), now - dt.timedelta(days=1), None),
        (
            "consent_revoked",
            now - dt.timedelta(days=10),
            now + dt.timedelta(days=80),
            now - dt.timedelta(hours=1),
        ),
    ):
        Consent.objects.create(
            case=picked[name],
            survivor=survivor[name],
            agency=hartford_pd,
            categories=["identity", "exploitation"],
            method="written",
            granted_at=granted,
            expires_at=expires,
            recorded_by=advocate,
            signed_by=survivor[name],
            signer_relationship="self",
            revoked_at=revoked,
        )
    assert all(picked.values()), picked
    grants.rebuild(cases=picked.values())  # the consents above bypass consent_record
    return picked


def oracle_world(user: User | None, case: Case) -> oracle.World:
    """The plain facts the oracle needs, read with plain queries."""
    membership = getattr(user, "membership", None) if user is not None else None
    agency = membership.agency if membership is not None else None
    world = oracle.World(
        user_id=user.pk if user is not None else 0,
        role=membership.role if membership is not None and membership.active else None,
        agency_id=agency.pk if agency else None,
        region_id=agency.region_id if agency else None,
        case_region_id=case.region_id,
        case_age_group=case.age_group,
    )
    world.team = [
        (m.user_id, m.agency_id, m.removed_at is not None) for m in CaseTeamMember.objects.filter(case=case)
    ]
    world.reports = list(MandatedReport.objects.filter(case=case).values_list("agency_id", flat=True))
    world.consents = [
        (c.agency_id, c.granted_at, c.expires_at, c.revoked_at is not None, tuple(c.categories))
        for c in Consent.objects.filter(case=case)
    ]
    world.orders = [
        (o.agency_id, o.expires_at, tuple(o.categories)) for o in CourtOrder.objects.filter(case=case)
    ]
    return world


# Case URLs that take a second id (a consent, a task) and that act on POST only.
SECOND_ID = {
    "cases:consent_revoke",
    "coordination:task_done",
    "coordination:task_edit",
    "coordination:plan_edit",
}
# Of those, the ones whose second id is a UUID (a random one that exists nowhere).
SECOND_UUID = {"coordination:plan_edit"}
# Operations of a case page that have a URL of their own (a POST; the page itself is a GET). Posted
# empty by someone the policy lets in, each answers as it says: 400, its form refused, or 404, the
# object its body names (an investigation, a place on the team, a goal) does not exist.
POST_FORMS = {
    "justice:suspect_add": 400,
    "justice:investigation_status": 404,
    "justice:arrest_record": 400,
    "justice:prosecution_open": 400,
    "justice:disposition_record": 400,
    "care:service_referral_send": 400,
    "care:unmet_need_record": 400,
    "coordination:team_add": 400,
    "coordination:team_remove": 404,
    "coordination:plan_create": 400,
    "coordination:goal_add": 400,
    "coordination:goal_close": 404,
}
POST_ONLY = {"cases:consent_revoke", "coordination:task_done", "cases:close", *POST_FORMS}


def case_url(name: str, case_id) -> str:
    from django.urls import reverse

    if name == "cases:list":
        return reverse(name)
    if name in SECOND_UUID:
        return reverse(name, args=[case_id, uuid.uuid4()])
    return reverse(name, args=[case_id, 0] if name in SECOND_ID else [case_id])
