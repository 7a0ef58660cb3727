"""Every GET page that shows a case writes an audit row naming that case (issue 9, item 4): the
page is opened as each persona whose role may use it, the cases it shows are found by their
references in the HTML, and each must be named by a row this request wrote (its `case_id`, or a
`cases.Case` object id). A list writes one row per case it shows (access.policy.audited_list),
never one row with the ids in its detail."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access import policy
from continuum.access.models import Consent
from continuum.access.testing import sign_in
from continuum.access.tests.pages import may_open, url_patterns
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.models import Task
from continuum.mdt.models import MdtAgendaItem, MdtAttendance, MdtMeeting

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "intake",
    "advocate",
    "caseworker",
    "detective",
    "prosecutor",
    "provider",
    "analyst",
    "admin",
]
# Signing out is not a page.
NOT_A_PAGE = {"web:logout"}
REFERENCE = re.compile(r"CT(?:-[0-9A-Z]{4}){3}")


def _world_of(user) -> dict:
    """Ids for every URL argument: a case the user may view (with a task, a plan and a place on an
    MDT the user is invited to), a referral to the user's agency, a tip and a directory entry."""
    from continuum.care.models import ProviderService, ServiceReferral
    from continuum.coordination.models import SupportPlan
    from continuum.intake.models import Tip

    agency = user.membership.agency
    case = (
        Case.objects.restrict(user, "view")
        .filter(participants__role="survivor")
        .order_by("reference")
        .first()
    )
    if case is None:  # roles that see no case by relationship still get pages with an id to try
        case = Case.objects.filter(participants__role="survivor").order_by("reference").first()
    assert case is not None
    survivor = CaseParticipant.objects.filter(case=case, role="survivor").first()
    assert survivor is not None
    coordinator = type(user).objects.get(username="coordinator")
    task = Task.objects.create(
        case=case,
        kind="other",
        title="Call back",
        agency=agency,
        assignee=user,
        due_at=timezone.now() + dt.timedelta(days=2),
        created_by=coordinator,
    )
    plan = SupportPlan.objects.filter(case=case).first() or SupportPlan.objects.create(
        case=case, survivor=survivor.person, plan_type="other", created_by=coordinator
    )
    meeting = MdtMeeting.objects.create(
        region=case.region,
        scheduled_for=timezone.now() + dt.timedelta(days=3),
        place="Room 2",
        chaired_by=coordinator,
    )
    MdtAgendaItem.objects.create(meeting=meeting, case=case, position=1, added_by=coordinator)
    MdtAttendance.objects.create(meeting=meeting, user=user, agency=agency, recorded_by=coordinator)
    referral = ServiceReferral.objects.filter(service__agency=agency).order_by("pk").first()
    any_referral = referral or ServiceReferral.objects.order_by("pk").first()
    service = ProviderService.objects.filter(agency=agency).order_by("pk").first()
    return {
        "case_id": case.pk,
        "task_id": task.pk,
        "plan_id": plan.pk,
        "meeting_id": meeting.pk,
        "referral_id": any_referral.pk if any_referral else uuid.uuid4(),
        "service_id": (service or ProviderService.objects.order_by("pk").first()).pk,
        "tip_id": Tip.objects.order_by("pk").values_list("pk", flat=True).first() or uuid.uuid4(),
        "grant_id": 1,
        "consent_id": Consent.objects.filter(case=case).values_list("pk", flat=True).first() or 1,
    }


def _audited_cases(rows) -> set[uuid.UUID]:
    named: set[uuid.UUID] = set()
    for row in rows:
        if row.case_id is not None:
            named.add(row.case_id)
        if row.object_type == "cases.Case" and row.object_id:
            named.add(uuid.UUID(row.object_id))
    return named


def _pages_showing_an_unaudited_case(client, user) -> dict[str, list[str]]:
    """URL name -> the references of the cases it showed without an audit row naming them."""
    ids = _world_of(user)
    references = dict(Case.objects.values_list("reference", "pk"))
    sign_in(client, user)
    unaudited: dict[str, list[str]] = {}
    opened = 0
    for name, arguments in sorted(url_patterns().items()):
        if name in NOT_A_PAGE or not may_open(user.membership.role, policy.policy().urls[name]):
            continue
        if set(arguments) - set(ids):
            raise AssertionError(f"{name} takes {arguments}: give the test an id for it")
        url = reverse(name, kwargs={a: ids[a] for a in arguments})
        before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200:
            continue  # a POST-only URL (405), a case or object the user may not open (404)
        opened += 1
        shown = {references[r] for r in REFERENCE.findall(response.content.decode()) if r in references}
        rows = AuditEvent.objects.filter(id__gt=before, actor_id=user.pk, outcome="allowed")
        missing = shown - _audited_cases(rows)
        if missing:
            unaudited[name] = sorted(r for r, pk in references.items() if pk in missing)
    assert opened, "the persona opened no page at all"
    return unaudited


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_that_shows_a_case_writes_an_audit_row_naming_it(client, persona, username):
    unaudited = _pages_showing_an_unaudited_case(client, persona(username))
    assert sorted(unaudited) == [], unaudited


def test_the_case_list_shows_cases_so_the_audit_test_can_fail(client, persona):
    """The detection is real: the coordinator's list shows references of cases in the database."""
    user = persona("coordinator")
    sign_in(client, user)
    html = client.get(reverse("cases:list")).content.decode()
    found = set(REFERENCE.findall(html))
    assert len(found & set(Case.objects.values_list("reference", flat=True))) >= 2


def test_a_list_writes_one_row_per_case_it_shows_with_no_ids_in_its_detail(client, persona):
    user = persona("coordinator")
    sign_in(client, user)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    html = client.get(reverse("cases:list")).content.decode()
    shown = set(REFERENCE.findall(html))
    rows = list(AuditEvent.objects.filter(id__gt=before, actor_id=user.pk, object_type="cases.Case"))
    per_case = [row for row in rows if row.case_id is not None]
    assert len(per_case) == len(shown) > 1
    assert {row.case_id for row in per_case} == set(
        Case.objects.filter(reference__in=shown).values_list("pk", flat=True)
    )
    assert all(row.object_id == str(row.case_id) and row.action == "list" for row in per_case)
    for row in rows:  # no row carries the ids of the cases in its detail
        assert not any(isinstance(value, list) for value in row.detail.values())


def test_the_rows_of_a_list_are_checked_like_every_row_and_written_all_or_none(persona):
    from continuum.audit.log import record_cases

    case = Case.objects.order_by("reference").first()
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        record_cases(actor=persona("coordinator"), action="list", case_ids=[case.pk, "Jane Doe"])
    with pytest.raises(ValueError):
        record_cases(actor=persona("coordinator"), action="list", case_ids=[case.pk], fields=["Jane Doe"])
    assert AuditEvent.objects.count() == before
    rows = record_cases(actor=persona("coordinator"), action="list", case_ids=[case.pk, str(case.pk)])
    assert [(row.case_id, row.object_id) for row in rows] == [(case.pk, str(case.pk))]  # once
