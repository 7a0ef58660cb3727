"""The screening page: the coordinator screens a case, the determination is stored and the
routing rules put deadlines on the case."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access.testing import sign_in
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination.models import Task, TaskKind
from continuum.screening.models import ScreeningResult
from continuum.screening.tests.answers import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(persona):
    region = persona("coordinator").membership.agency.region
    return Case.objects.filter(region=region).exclude(tasks__isnull=False).first()


def _post(client, case, given):
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    return client.post(reverse("screening:screen", args=[case.pk]), {"person": str(survivor.pk), **given})


def test_a_minor_in_commercial_sex_is_screened_and_gets_the_24_hour_report_task(client, persona, case):
    sign_in(client, persona("coordinator"))
    page = client.get(reverse("screening:screen", args=[case.pk]))
    assert page.status_code == 200 and b"sex_exchanged" in page.content
    before = timezone.now()
    response = _post(client, case, answers(age_at_start="15", sex_exchanged="yes"))
    assert response.status_code == 302
    result = ScreeningResult.objects.get(case=case)
    assert (result.result, result.trafficking_type, result.minor) == ("trafficking_indicated", "sex", True)
    task = Task.objects.get(case=case, kind=TaskKind.MANDATED_REPORT)
    assert dt.timedelta(hours=23, minutes=59) < task.due_at - before <= dt.timedelta(hours=24, seconds=5)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    assert b'data-task-kind="mandated_report"' in detail.content


def test_an_adult_in_labor_with_debt_bondage_gets_the_48_hour_advocate_task(client, persona, case):
    sign_in(client, persona("coordinator"))
    response = _post(
        client,
        case,
        answers(age_at_start="34", work_done="yes", debt_owed="yes", work_found_by="offered_by_someone"),
    )
    assert response.status_code == 302
    result = ScreeningResult.objects.get(case=case)
    assert (result.result, result.trafficking_type) == ("trafficking_indicated", "labor")
    task = Task.objects.get(case=case, kind=TaskKind.ASSIGN_ADVOCATE)
    assert task.due_at - timezone.now() > dt.timedelta(hours=47)


def test_bad_answers_are_explained_and_change_nothing(client, persona, case):
    sign_in(client, persona("coordinator"))
    response = _post(client, case, {"sex_exchanged": "perhaps"})
    assert response.status_code == 400
    assert b"sex_exchanged" in response.content
    assert not ScreeningResult.objects.filter(case=case).exists()
    assert not Task.objects.filter(case=case).exists()


def test_only_the_coordinator_of_the_region_screens(client, persona, case):
    sign_in(client, persona("detective_west"))
    assert client.get(reverse("screening:screen", args=[case.pk])).status_code == 404
