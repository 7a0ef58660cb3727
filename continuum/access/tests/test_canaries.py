"""Seeded canary values in privileged notes and sensitive fields never reach law enforcement or
prosecutors, nor the audit table, nor the application log."""

import datetime as dt
import logging

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions, grants
from continuum.access.models import Agency
from continuum.access.testing import sign_in
from continuum.cases.actions import note_add
from continuum.cases.models import Case, CaseParticipant, CaseTeamMember

pytestmark = pytest.mark.django_db

NOTE_CANARY = "CANARY-NOTE-5d1f0c"
HEALTH_CANARY = "CANARY-HEALTH-77a2"
LOCATION_CANARY = "CANARY-LOCATION-41b9"


@pytest.fixture
def seeded(persona):
    """A case where the advocate wrote a privileged note, the police and the prosecutor are on the
    team, and the survivor consented to share identity, exploitation and their account with both."""
    advocate = persona("advocate")
    case = Case.objects.filter(team__user=advocate, team__removed_at=None).order_by("reference").first()
    for username in ("detective", "prosecutor"):
        user = persona(username)
        CaseTeamMember.objects.get_or_create(
            case=case, user=user, agency=user.membership.agency, defaults={"team_role": "other"}
        )
    grants.rebuild(cases=[case])  # the members above bypass team_add
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    survivor.health_notes = HEALTH_CANARY
    survivor.current_location = LOCATION_CANARY
    survivor.save()
    note_add(actor=advocate, case=case, body=f"Survivor said {NOTE_CANARY} in confidence.")
    for username in ("detective", "prosecutor"):
        actions.consent_record(
            actor=advocate,
            case=case,
            survivor=survivor,
            agency=persona(username).membership.agency,
            categories=["identity", "exploitation", "account", "health", "privileged_notes"],
            method="written",
            expires_at=timezone.now() + dt.timedelta(days=30),
            signed_by=survivor,
            signer_relationship="self",
        )
    return case


def _everything_in_the_audit_table() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        return repr(cursor.fetchall())


@pytest.mark.parametrize("username", ["detective", "prosecutor"])
def test_police_and_prosecutors_never_see_privileged_notes_or_health(
    client, persona, seeded, username, caplog
):
    sign_in(client, persona(username))
    with caplog.at_level(logging.DEBUG):
        response = client.get(reverse("cases:detail", args=[seeded.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTE_CANARY not in html
    assert HEALTH_CANARY not in html
    assert LOCATION_CANARY not in html  # location was not consented
    for canary in (NOTE_CANARY, HEALTH_CANARY, LOCATION_CANARY):
        assert canary not in caplog.text


def test_the_author_sees_the_note_so_the_canary_test_can_fail(client, persona, seeded):
    sign_in(client, persona("advocate"))
    html = client.get(reverse("cases:detail", args=[seeded.pk])).content.decode()
    assert NOTE_CANARY in html and HEALTH_CANARY in html and LOCATION_CANARY in html


def test_no_canary_reaches_the_audit_table(client, persona, seeded):
    for username in ("advocate", "detective", "prosecutor", "coordinator"):
        client.logout()
        sign_in(client, persona(username))
        client.get(reverse("cases:detail", args=[seeded.pk]))
    dump = _everything_in_the_audit_table()
    assert "person__first_name" in dump  # field names are there
    survivor = CaseParticipant.objects.get(case=seeded, role="survivor").person
    for canary in (NOTE_CANARY, HEALTH_CANARY, LOCATION_CANARY, survivor.first_name, survivor.last_name):
        assert canary not in dump


def test_the_sensitive_values_are_ciphertext_in_the_database(seeded):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT body FROM cases_casenote WHERE case_id = %s",
            [seeded.pk.hex if connection.vendor == "sqlite" else seeded.pk],
        )
        bodies = [row[0] for row in cursor.fetchall()]
    assert bodies and all(body.startswith("enc:v1:") and NOTE_CANARY not in body for body in bodies)


def test_a_hartford_police_consent_does_not_open_the_case_to_waterbury(client, persona, seeded):
    sign_in(client, persona("detective_west"))
    assert Agency.objects.get(name="Waterbury Police Department") != persona("detective").membership.agency
    assert client.get(reverse("cases:detail", args=[seeded.pk])).status_code == 404


def test_police_do_not_see_which_services_a_survivor_uses(client, persona, seeded):
    from continuum.journeys.models import EventKind, JourneyEvent

    assert JourneyEvent.objects.filter(case=seeded, kind__startswith="service_").exists()
    sign_in(client, persona("detective"))
    kinds = {e.kind for e in client.get(reverse("cases:detail", args=[seeded.pk])).context["detail"].events}
    assert not kinds & {
        EventKind.SERVICE_REFERRAL_SENT,
        EventKind.SERVICE_STARTED,
        EventKind.UNMET_NEED_RECORDED,
    }
    client.logout()
    sign_in(client, persona("coordinator"))
    kinds = {e.kind for e in client.get(reverse("cases:detail", args=[seeded.pk])).context["detail"].events}
    assert EventKind.SERVICE_REFERRAL_SENT in kinds
