"""Consent decides sharing: recorded with who/when/how, per agency and category, with a mandatory
expiry, revocable at once; never signed by a suspect."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions, policy
from continuum.access.models import Consent
from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.models import CaseTeamMember
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_case(persona):
    """A Greater Hartford case with the advocate on its team, no consent yet, and Hartford PD off it."""
    advocate = persona("advocate")
    hartford_pd = Agency.objects.get(name="Hartford Police Department")
    on_team = CaseTeamMember.objects.filter(user=advocate, removed_at=None).values_list("case_id", flat=True)
    pd = CaseTeamMember.objects.filter(agency=hartford_pd).values_list("case_id", flat=True)
    case = (
        Case.objects.filter(pk__in=on_team)
        .exclude(pk__in=pd)
        .exclude(consents__isnull=False)
        .order_by("reference")
        .first()
    )
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    return case, survivor, advocate, hartford_pd


def _record(advocate, case, survivor, agency, **overrides):
    values = {
        "actor": advocate,
        "case": case,
        "survivor": survivor,
        "agency": agency,
        "categories": ["identity", "exploitation"],
        "method": "written",
        "expires_at": timezone.now() + dt.timedelta(days=90),
        "signed_by": survivor,
        "signer_relationship": "self",
    }
    values.update(overrides)
    return actions.consent_record(**values)


def test_consent_opens_the_case_to_the_named_agency_for_the_named_categories(client, persona, team_case):
    case, survivor, advocate, hartford_pd = team_case
    detective = persona("detective")
    sign_in(client, detective)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    _record(advocate, case, survivor, hartford_pd)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert survivor.last_name in response.content.decode()
    decision = policy.decide(detective, case.pk, "view")
    assert decision[0] and decision[2] == {"case_facts", "identity", "exploitation"}


def test_a_revocation_denies_the_very_next_request(client, persona, team_case):
    case, survivor, advocate, hartford_pd = team_case
    consent = _record(advocate, case, survivor, hartford_pd)
    sign_in(client, persona("detective"))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    advocate_client = client.__class__()
    sign_in(advocate_client, advocate)
    response = advocate_client.post(
        reverse("cases:consent_revoke", args=[case.pk, consent.pk]), {"method": "written"}
    )
    assert response.status_code == 302
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_by == advocate and consent.revocation_method == "written"
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.CONSENT_REVOKED).count() == 1


def test_time_travel_past_the_expiry_denies(client, persona, team_case, monkeypatch):
    case, survivor, advocate, hartford_pd = team_case
    consent = _record(
        advocate, case, survivor, hartford_pd, expires_at=timezone.now() + dt.timedelta(days=30)
    )
    sign_in(client, persona("detective"))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    later = consent.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(policy, "clock", lambda: later)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    just_before = consent.expires_at - dt.timedelta(seconds=1)
    monkeypatch.setattr(policy, "clock", lambda: just_before)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_a_suspect_can_never_sign_consent(team_case):
    case, survivor, advocate, hartford_pd = team_case
    suspect = CaseParticipant.objects.filter(role="suspect").exclude(case=case).first().person
    CaseParticipant.objects.create(case=case, person=suspect, role="suspect")
    with pytest.raises(ValidationError) as raised:
        _record(advocate, case, survivor, hartford_pd, signed_by=suspect, signer_relationship="guardian")
    assert "signed_by" in raised.value.message_dict
    assert not Consent.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"expires_at": "past"}, "expires_at"),
        ({"expires_at": "far"}, "expires_at"),
        ({"categories": []}, "categories"),
        ({"categories": ["gossip"]}, "categories"),
    ],
)
def test_consent_without_a_sound_expiry_or_categories_is_refused(team_case, overrides, field):
    case, survivor, advocate, hartford_pd = team_case
    if overrides.get("expires_at") == "past":
        overrides["expires_at"] = timezone.now() - dt.timedelta(minutes=1)
    if overrides.get("expires_at") == "far":
        overrides["expires_at"] = timezone.now() + dt.timedelta(days=800)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        _record(advocate, case, survivor, hartford_pd, **overrides)
    assert field in raised.value.message_dict
    assert AuditEvent.objects.count() == before


def test_recording_consent_writes_exactly_one_audit_row_and_one_journey_event(team_case):
    case, survivor, advocate, hartford_pd = team_case
    before = AuditEvent.objects.count()
    consent = _record(advocate, case, survivor, hartford_pd)
    rows = list(AuditEvent.objects.filter(id__gt=0).order_by("-id")[: AuditEvent.objects.count() - before])
    assert [r.action for r in rows] == ["consent_grant"]
    assert rows[0].object_id == str(consent.pk) and rows[0].case_id == case.pk
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.CONSENT_RECORDED).count() >= 1


def test_the_advocate_records_consent_through_the_screen(client, team_case):
    case, survivor, advocate, hartford_pd = team_case
    sign_in(client, advocate)
    page = client.get(reverse("cases:consents", args=[case.pk]))
    assert page.status_code == 200
    assert b"Record consent" in page.content
    expires = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = client.post(
        reverse("cases:consents", args=[case.pk]),
        {
            "survivor": survivor.pk,
            "agency": hartford_pd.pk,
            "categories": ["identity"],
            "expires_on": expires,
            "method": "written",
            "signed_by": survivor.pk,
            "signer_relationship": "self",
        },
    )
    assert response.status_code == 302
    assert Consent.objects.get(case=case).categories == ["identity"]


def test_the_consent_screen_explains_a_missing_expiry_and_saves_nothing(client, team_case):
    case, survivor, advocate, hartford_pd = team_case
    sign_in(client, advocate)
    response = client.post(
        reverse("cases:consents", args=[case.pk]),
        {
            "survivor": survivor.pk,
            "agency": hartford_pd.pk,
            "categories": ["identity"],
            "expires_on": "",
            "method": "written",
            "signed_by": survivor.pk,
            "signer_relationship": "self",
        },
    )
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    assert not Consent.objects.filter(case=case).exists()


def test_the_consent_state_is_visible_on_the_case(client, persona, team_case):
    case, survivor, advocate, hartford_pd = team_case
    _record(advocate, case, survivor, hartford_pd)
    sign_in(client, persona("coordinator"))
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Hartford Police Department" in html.split('data-testid="consent-state"')[1].split("</ul>")[0]
