"""No lost updates: an edit carries the version it started from; a stale edit is refused with 409
and shows what changed; nothing of it is saved."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from continuum.access import grants
from continuum.access.testing import sign_in
from continuum.cases import actions
from continuum.cases.models import Case
from continuum.coordination.models import CaseTeamMember
from continuum.core.locking import StaleEdit
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Town, User


def _case():
    return Case.objects.filter(region__code="greater-hartford", status="Active").order_by("reference").first()


def _post(client, case, version, **changes):
    data = {
        "version": version,
        "town": case.town_id or "",
        "owner": case.owner_id or "",
        "status": case.status,
    }
    data.update(changes)
    return client.post(reverse("cases:edit", args=[case.pk]), data)


@pytest.mark.django_db
def test_two_stale_edits_one_wins_one_gets_409_and_no_field_is_lost(persona):
    case = _case()
    first, second = Client(), Client()
    sign_in(first, persona("coordinator"))
    sign_in(second, persona("coordinator"))
    towns = list(Town.objects.filter(region=case.region).exclude(pk=case.town_id)[:2])
    assert first.get(reverse("cases:edit", args=[case.pk])).status_code == 200
    ok = _post(first, case, case.version, town=towns[0].pk)
    stale = _post(second, case, case.version, status="FollowUp")
    assert ok.status_code == 302
    assert stale.status_code == 409
    assert b"Someone else saved this case" in stale.content
    assert "town" in stale.context["changed"]
    case.refresh_from_db()
    assert (
        case.town_id == towns[0].pk and case.status == "Active"
    )  # the first edit kept, the second not applied
    again = _post(second, case, case.version, status="FollowUp")  # with the fresh version it goes through
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.town_id == towns[0].pk and case.status == "FollowUp"


@pytest.mark.django_db
def test_closing_is_not_an_edit(client, persona):
    case = _case()
    sign_in(client, persona("coordinator"))
    response = _post(client, case, case.version, status="Closed")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "Active"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_editors_at_the_same_moment_on_postgresql(persona):
    from continuum.conftest import SESSION_CASES, SESSION_SEED, TEST_PASSWORD
    from continuum.synth.generator import Generator

    if not Case.objects.exists():
        Generator(cases=SESSION_CASES, seed=SESSION_SEED, password=TEST_PASSWORD).run()
    case = _case()
    actor = User.objects.get(username="coordinator")
    towns = list(Town.objects.filter(region=case.region).exclude(pk=case.town_id)[:2])
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(town):
        try:
            barrier.wait()
            actions.case_update(actor=actor, case=case, expected_version=case.version, changes={"town": town})
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(t,)) for t in towns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["saved", "stale"]
    case.refresh_from_db()
    assert case.version == 2 or case.town_id in {t.pk for t in towns}


@pytest.mark.django_db
def test_the_coordinator_builds_the_case_team(client, persona):
    case = _case()
    advocate = persona("advocate")
    CaseTeamMember.objects.filter(case=case, user=advocate).delete()
    grants.rebuild(cases=[case])  # the rows went without team_remove
    sign_in(client, persona("coordinator"))
    response = client.post(
        reverse("coordination:team_add", args=[case.pk]), {"member": advocate.pk, "team_role": "advocate"}
    )
    assert response.status_code == 302
    member = CaseTeamMember.objects.get(case=case, user=advocate, removed_at=None)
    assert member.agency == advocate.membership.agency
    assert JourneyEvent.objects.filter(case=case, kind=EventKind.CASE_TEAM_JOINED).exists()
    both = client.post(
        reverse("coordination:team_add", args=[case.pk]),
        {"member": advocate.pk, "agency": advocate.membership.agency_id, "team_role": "advocate"},
    )
    assert both.status_code == 400  # one or the other
    removed = client.post(reverse("coordination:team_remove", args=[case.pk]), {"team_member": member.pk})
    assert removed.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None
