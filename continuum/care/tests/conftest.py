"""Fixtures of the services network: a case of our own in Greater Hartford with one survivor, the
housing provider's emergency shelter in the directory, and consents made to measure."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from continuum.access import grants
from continuum.access.models import Consent
from continuum.care.models import ProviderService
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.core.codes import ServiceType
from continuum.core.htcds import Gender, OrgType
from continuum.org.models import Agency, AgencyKind, Region, User
from continuum.people.models import Person

SHELTER_AGENCY = "Safe Harbor Housing (Greater Hartford)"
_numbers = itertools.count(1)


def make_case(region: Region, lead_agency: Agency, **person: object) -> tuple[Case, Person]:
    """A fresh case with one survivor (no consent, no team), so nothing of the world leaks in."""
    today = timezone.localdate()
    case = Case.objects.create(
        region=region,
        lead_agency=lead_agency,
        referral_source="hotline",
        incoming_referral_date=today,
        opened_on=today,
    )
    defaults: dict[str, object] = {
        "birth_date": dt.date(today.year - 30, 1, 15),
        "gender": Gender.FEMININE,
        "primary_language": "en",
    }
    survivor = Person.objects.create(**{**defaults, **person})
    CaseParticipant.objects.create(case=case, person=survivor, role=ParticipantRole.SURVIVOR)
    return case, survivor


def join_team(case: Case, user: User, team_role: str = "advocate") -> Case:
    """Put `user` on the case team (made without team_add, so no audit row or journey event)."""
    from continuum.coordination.models import CaseTeamMember

    member = CaseTeamMember.objects.create(
        case=case, user=user, agency=user.membership.agency, team_role=team_role
    )
    grants.refresh(member)
    return case


def make_consent(
    case: Case,
    survivor: Person,
    agency: Agency,
    recorded_by: User,
    *,
    granted: dt.timedelta = dt.timedelta(days=-10),
    expires: dt.timedelta = dt.timedelta(days=80),
    revoked: dt.timedelta | None = None,
) -> Consent:
    now = timezone.now()
    consent = Consent.objects.create(
        case=case,
        survivor=survivor,
        agency=agency,
        categories=["case_facts", "identity", "contact"],
        method="written",
        granted_at=now + granted,
        expires_at=now + expires,
        recorded_by=recorded_by,
        signed_by=survivor,
        signer_relationship="self",
        revoked_at=None if revoked is None else now + revoked,
    )
    grants.refresh(consent)  # made without consent_record
    return consent


def make_provider(region: Region, name: str | None = None) -> Agency:
    return Agency.objects.create(
        name=name or f"Care test provider {next(_numbers)}",
        kind=AgencyKind.SERVICE_PROVIDER,
        org_type=OrgType.NGO,
        region=region,
    )


@pytest.fixture
def advocate(persona):
    return persona("advocate")


@pytest.fixture
def provider_user(persona):
    return persona("provider")


@pytest.fixture
def hartford(db):
    return Region.objects.get(code="greater-hartford")


@pytest.fixture
def case_and_survivor(hartford):
    """A fresh case with no team (nothing of the world leaks in); see `case`."""
    taskforce = Agency.objects.filter(region=hartford, kind=AgencyKind.TASKFORCE).order_by("name").first()
    return make_case(hartford, taskforce)


@pytest.fixture
def off_team_case(case_and_survivor):
    """The fresh case before the survivor's advocate joins its team."""
    return case_and_survivor[0]


@pytest.fixture
def case(case_and_survivor, advocate):
    """The fresh case, with the survivor's advocate on its team (the actions ask the policy: the
    advocate works on a case's services as a member of its team)."""
    return join_team(case_and_survivor[0], advocate)


@pytest.fixture
def survivor(case_and_survivor):
    return case_and_survivor[1]


@pytest.fixture
def shelter(db):
    """The housing provider's emergency shelter, two places, one taken by someone else."""
    agency = Agency.objects.get(name=SHELTER_AGENCY)
    return ProviderService.objects.create(
        agency=agency,
        service_type=ServiceType.EMERGENCY_HOUSING,
        capacity=2,
        in_use=1,
        contact_phone="860-555-0100",
        contact_email="intake@safe-harbor.invalid",
    )


@pytest.fixture
def consent(case, survivor, shelter, advocate):
    return make_consent(case, survivor, shelter.agency, advocate)


def make_staff(username: str, agency: Agency, role: str) -> User:
    """A staff member of `agency` with `role` (the session world has one persona per role)."""
    from continuum.org.models import Membership

    user = User.objects.create(username=username)
    Membership.objects.create(user=user, agency=agency, role=role)
    return User.objects.select_related("membership__agency__region").get(pk=user.pk)


def provider_staff(agency: Agency) -> User:
    """A provider's staff member of `agency` (made once per agency): who answers its referrals."""
    existing = User.objects.filter(membership__agency=agency, membership__role="provider").first()
    if existing is not None:
        return User.objects.select_related("membership__agency__region").get(pk=existing.pk)
    return make_staff(f"provider-of-{agency.pk}", agency, "provider")


def edit_data(service: ProviderService, **changes: object) -> dict[str, object]:
    """What the directory's edit form posts for `service` as stored now, with `changes`."""
    from continuum.care.actions import service_values
    from continuum.care.forms import initial_of

    service.refresh_from_db()
    data = {**initial_of(service.version, service_values(service)), **changes}
    return {name: "" if value is None else value for name, value in data.items()}


@pytest.fixture
def coordinator(persona):
    return persona("coordinator")


@pytest.fixture
def western_coordinator(db):
    region = Region.objects.get(code="western")
    taskforce = Agency.objects.filter(region=region, kind=AgencyKind.TASKFORCE).order_by("name").first()
    return make_staff("coordinator_west", taskforce, "coordinator")


@pytest.fixture
def statewide_coordinator(db):
    agency = Agency.objects.create(
        name="Statewide coordination office (care tests)", kind=AgencyKind.TASKFORCE, org_type=OrgType.NGO
    )
    return make_staff("coordinator_state", agency, "coordinator")


@pytest.fixture
def eastern_shelter(db):
    """A service of another organisation (and region) than the provider persona's."""
    return ProviderService.objects.create(
        agency=Agency.objects.get(name="Safe Harbor Housing (Eastern)"),
        service_type=ServiceType.EMERGENCY_HOUSING,
        capacity=3,
    )


def make_sent_referral(
    actor: User, service: ProviderService, case: Case | None = None, survivor: Person | None = None
):
    """A referral sent with the real actions (a fresh case in the service agency's region unless
    one is given), with the survivor's consent for the provider."""
    from continuum.care import actions

    if case is None or survivor is None:
        region = service.agency.region
        lead = Agency.objects.filter(region=region, kind=AgencyKind.TASKFORCE).order_by("name").first()
        case, survivor = make_case(region, lead)
        join_team(case, actor)
    make_consent(case, survivor, service.agency, actor)
    referral = actions.service_referral_propose(actor=actor, case=case, survivor=survivor, service=service)
    return actions.service_referral_send(actor=actor, referral=referral, expected_version=referral.version)
