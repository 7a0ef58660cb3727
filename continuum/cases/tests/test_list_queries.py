"""Every list page runs the same number of queries with N cases as with 3N: the case list, a name
search, the work queue and the triage queue (performance by design: no per-row query, one count);
and so does the case page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.coordination.models import Task, TaskKind
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral
from continuum.org.models import Agency
from continuum.people.models import Person

pytestmark = pytest.mark.django_db

SURNAME = "Quillfeather"
BIRTH = dt.date(1999, 4, 1)


def add_cases(region, n):
    """n more cases of `region`, each with a survivor named Quillfeather, an open task (half of
    them overdue), a new referral naming the same person and a new tip."""
    taskforce = Agency.objects.get(region=region, kind="taskforce")
    now = timezone.now()
    for i in range(n):
        case = Case.objects.create(
            region=region,
            lead_agency=taskforce,
            referral_source="hotline",
            incoming_referral_date=now.date(),
            opened_on=now.date(),
        )
        survivor = Person.objects.create(first_name=f"Ana{i:03d}", last_name=SURNAME, birth_date=BIRTH)
        CaseParticipant.objects.create(case=case, person=survivor, role=ParticipantRole.SURVIVOR)
        Task.objects.create(
            case=case, kind=TaskKind.OTHER, agency=taskforce, due_at=now + dt.timedelta(days=i % 2 * 2 - 1)
        )
        Referral.objects.create(
            region=region,
            source="hotline",
            what_is_known="Seen at a motel.",
            survivor_first_name=f"Ana{i:03d}",
            survivor_last_name=SURNAME,
            survivor_birth_date=BIRTH,
        )
        Tip.objects.create(what_happened="Someone is kept at a house.")


def _counted(captured):
    """The page's own queries: the session layer's write (and its savepoint) comes and goes with
    the clock, not with the number of cases, so it is left out of the count."""
    sqls = [q["sql"] for q in captured.captured_queries]
    return [
        sql
        for sql in sqls
        if "django_session" not in sql and not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def queries(client, url, params):
    client.get(url, params)  # the session settles first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(_counted(captured)), response


@pytest.mark.parametrize(
    ("username", "url_name", "params"),
    [
        ("coordinator", "cases:list", {}),
        ("coordinator", "cases:list", {"q": SURNAME}),
        ("coordinator", "cases:list", {"q": f"Ana007 {SURNAME}"}),
        ("coordinator", "cases:list", {"q": SURNAME[:5].lower()}),
        ("coordinator", "coordination:tasks", {}),
        ("coordinator", "intake:queue", {}),
        ("intake", "intake:queue", {}),
    ],
)
def test_a_list_page_runs_as_many_queries_with_3n_cases_as_with_n(
    client, persona, username, url_name, params
):
    user = persona(username)
    region = persona("coordinator").membership.agency.region
    # More than a page shows (25 cases, 50 tasks), so both sizes show it full and count; every
    # page audits each case it shows (rows written in batches on SQLite).
    n = 60
    add_cases(region, n)
    sign_in(client, user)
    url = reverse(url_name)
    with_n, _ = queries(client, url, params)
    add_cases(region, 2 * n)
    with_3n, response = queries(client, url, params)
    assert with_3n == with_n
    if "q" in params:  # the search found the new cases, so it did the work it is counted for
        assert response.context["page"].count == (2 if " " in params["q"] else 3 * n)


def test_the_case_page_runs_as_many_queries_with_3n_cases_as_with_n(client, persona):
    coordinator = persona("coordinator")
    region = coordinator.membership.agency.region
    add_cases(region, 20)
    case = Case.objects.filter(region=region).order_by("-opened_on").first()
    sign_in(client, coordinator)
    url = reverse("cases:detail", args=[case.pk])
    with_n, _ = queries(client, url, {})
    add_cases(region, 40)
    with_3n, response = queries(client, url, {})
    assert with_3n == with_n
    assert response.context["detail"].access.case == case
