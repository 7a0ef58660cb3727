"""Tell once: the survivor's account is recorded once (encrypted) and reaches another agency only
by consent; closing a case takes a reason and is a journey step."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions as access_actions
from continuum.access.testing import sign_in
from continuum.cases.models import CaseParticipant, SurvivorAccount
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db
ACCOUNT = "CANARY-ACCOUNT: he kept our passports and said we owed him for the flight."


def test_the_account_is_recorded_once_and_read_by_police_only_with_consent(client, persona, team_case):
    advocate = persona("advocate")
    survivor = CaseParticipant.objects.get(case=team_case, role="survivor").person
    sign_in(client, advocate)
    response = client.post(
        reverse("cases:account", args=[team_case.pk]),
        {"survivor": survivor.pk, "body": ACCOUNT, "language": "en"},
    )
    assert response.status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_survivoraccount")
        assert all(row[0].startswith("enc:v1:") and "CANARY" not in row[0] for row in cursor.fetchall())
    assert (
        ACCOUNT.split(":")[1].strip()[:10]
        in client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    )

    police = client.__class__()
    sign_in(police, persona("detective"))
    assert "CANARY-ACCOUNT" not in police.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    access_actions.consent_record(
        actor=advocate,
        case=team_case,
        survivor=survivor,
        agency=Agency.objects.get(name="Hartford Police Department"),
        categories=["account"],
        method="written",
        expires_at=timezone.now() + dt.timedelta(days=30),
        signed_by=survivor,
        signer_relationship="self",
    )
    assert "CANARY-ACCOUNT" in police.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    assert SurvivorAccount.objects.filter(case=team_case).count() == 1


def test_an_empty_account_is_refused(client, persona, team_case):
    survivor = CaseParticipant.objects.get(case=team_case, role="survivor").person
    sign_in(client, persona("advocate"))
    response = client.post(
        reverse("cases:account", args=[team_case.pk]), {"survivor": survivor.pk, "body": "  "}
    )
    assert response.status_code == 400 and not SurvivorAccount.objects.filter(case=team_case).exists()


def test_closing_a_case_needs_a_reason_and_is_a_journey_step(client, persona, team_case):
    sign_in(client, persona("coordinator"))
    url = reverse("cases:close", args=[team_case.pk])
    client.post(url, {"reason": "", "version": team_case.version})
    team_case.refresh_from_db()
    assert team_case.status == "Active"
    client.post(url, {"reason": "transferred", "version": team_case.version})
    team_case.refresh_from_db()
    assert (team_case.status, team_case.closure_reason) == ("ClosedReferred", "transferred")
    assert team_case.closed_on == timezone.localdate()
    assert JourneyEvent.objects.filter(
        case=team_case, kind=EventKind.CASE_CLOSED, actor__username="coordinator"
    ).exists()


def test_a_stale_close_is_refused(client, persona, team_case):
    sign_in(client, persona("coordinator"))
    response = client.post(
        reverse("cases:close", args=[team_case.pk]),
        {"reason": "lost_contact", "version": team_case.version - 1 if team_case.version > 1 else 99},
    )
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    team_case.refresh_from_db()
    assert team_case.status == "Active"
