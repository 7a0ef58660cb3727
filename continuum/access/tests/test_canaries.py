"""Seeded canary values in privileged notes and sensitive fields never reach law enforcement or
prosecutors, nor the audit table, nor the application log; and a category the policy denies a role
(changed in memory) is gone from every page that role can open."""

import dataclasses
import datetime as dt
import logging

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from continuum.access import actions, grants, policy
from continuum.access.testing import sign_in
from continuum.access.tests.pages import may_open, url_patterns
from continuum.access.tests.scenario import POST_FORMS
from continuum.cases.actions import note_add
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.models import CaseTeamMember
from continuum.org.models import Agency

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


# --- a category denied in memory is gone from every page -------------------------------------

FIRST_NAME_CANARY = "Canaryfirst"
LAST_NAME_CANARY = "Canarylast"
ALIAS_CANARY = "Canaryalias"
NAME_CANARIES = (FIRST_NAME_CANARY, LAST_NAME_CANARY, ALIAS_CANARY)
# Pages that answer only a POST (a GET is 405), and signing out.
NOT_A_PAGE = {
    "web:logout",
    "cases:consent_revoke",
    "coordination:task_done",
    "cases:close",
    "intake:tip_take_up",
    "intake:referral_open_case",
    "access:enroll_start",
    *POST_FORMS,
    *(
        f"mdt:meeting_{op}"
        for op in ("agenda_add", "invite", "attendance", "minute", "action_item", "hold", "cancel")
    ),
    "care:service_referral_answer",
    "care:service_referral_start",
    "care:service_referral_close",
}


@pytest.fixture
def named_case(persona):
    """A case of the coordinator's region whose survivor carries canary names, with a task, a plan
    and a place on an MDT agenda, so that the work pages show it too."""
    from continuum.coordination.models import SupportPlan, Task
    from continuum.mdt.models import MdtAgendaItem, MdtMeeting

    coordinator = persona("coordinator")
    region = coordinator.membership.agency.region
    case = (
        Case.objects.filter(region=region, status="Active", participants__role="survivor")
        .order_by("reference")
        .first()
    )
    assert case is not None
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    survivor.first_name, survivor.last_name, survivor.aliases = NAME_CANARIES
    survivor.save()
    task = Task.objects.create(
        case=case,
        kind="other",
        title="Call back",
        agency=coordinator.membership.agency,
        assignee=coordinator,
        due_at=timezone.now() + dt.timedelta(days=2),
        created_by=coordinator,
    )
    plan = SupportPlan.objects.filter(case=case).first() or SupportPlan.objects.create(
        case=case, survivor=survivor, plan_type="other", created_by=coordinator
    )
    meeting = MdtMeeting.objects.create(
        region=region,
        scheduled_for=timezone.now() + dt.timedelta(days=3),
        place="Room 2",
        chaired_by=coordinator,
    )
    MdtAgendaItem.objects.create(meeting=meeting, case=case, position=1, added_by=coordinator)
    return {
        "case_id": case.pk,
        "task_id": task.pk,
        "plan_id": plan.pk,
        "meeting_id": meeting.pk,
        "reference": case.reference,
    }


def _pages(role: str, ids: dict) -> dict[str, str]:
    """URL name -> URL of every GET page the role may use, with the ids of the named case."""
    from continuum.care.models import ProviderService

    ids = {**ids, "service_id": ProviderService.objects.order_by("pk").values_list("pk", flat=True).first()}
    pages = {}
    for name, arguments in sorted(url_patterns().items()):
        if name in NOT_A_PAGE or not may_open(role, policy.policy().urls[name], admin_pages=False):
            continue
        if set(arguments) - set(ids):
            raise AssertionError(f"{name} takes {arguments}: give the test an id for it")
        pages[name] = reverse(name, kwargs={a: ids[a] for a in arguments})
    pages["cases:list"] += f"?q={ids['reference']}"  # the case on the list's first page
    return pages


def _without(role: str, category: str) -> policy.Policy:
    """The real policy, with `category` added to what `role` may never see."""
    real = policy.policy()
    rules = real.roles[role]
    changed = dataclasses.replace(rules, never=rules.never | {category})
    return dataclasses.replace(real, roles={**real.roles, role: changed})


def _pages_showing_a_canary_name(client, user, ids) -> set[str]:
    client.logout()
    sign_in(client, user)
    shown: set[str] = set()
    opened: set[str] = set()
    for name, url in _pages(user.membership.role, ids).items():
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened.add(name)
        html = response.content.decode()
        if any(canary in html for canary in NAME_CANARIES):
            shown.add(name)
    # The case page and its tabs, the lists, the MDT meeting and the directory were all opened.
    assert {
        "cases:detail",
        "coordination:plan",
        "coordination:task_edit",
        "mdt:meeting",
        "intake:queue",
    } <= opened
    return shown


def test_the_coordinator_sees_the_canary_names_so_the_next_test_can_fail(client, persona, named_case):
    shown = _pages_showing_a_canary_name(client, persona("coordinator"), named_case)
    assert {
        "cases:detail",
        "coordination:plan",
        "coordination:follow_ups",
        "care:case_services",
        "screening:screen",
    } <= shown


def test_identity_denied_in_memory_shows_no_canary_name_on_any_page_the_coordinator_opens(
    client, persona, named_case, monkeypatch
):
    denied = _without("coordinator", "identity")
    monkeypatch.setattr(policy, "policy", lambda: denied)
    assert "identity" not in policy.access_case(persona("coordinator"), named_case["case_id"]).categories
    shown = _pages_showing_a_canary_name(client, persona("coordinator"), named_case)
    assert shown == set()
