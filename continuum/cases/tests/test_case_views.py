"""The case list and case page as a coordinator uses them (every role against every URL is in
continuum/access/tests/test_permission_matrix.py)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.cases.models import Case
from continuum.cases.selectors import CaseFilters, case_list

pytestmark = pytest.mark.django_db

# Roles with no case rules in policy.yaml. The administrator lists and opens only cases under
# break-glass (access/tests/test_break_glass.py).
NO_CASE_ACCESS = ["intake", "provider", "analyst"]


def test_the_coordinator_sees_only_cases_of_their_region(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    response = client.get(reverse("cases:list"), {"page": 1})
    assert response.status_code == 200
    region = coordinator.membership.agency.region
    expected = Case.objects.filter(region=region).count()
    assert response.context["page"].paginator.count == expected > 0
    assert {c.region_id for c in response.context["page"]} == {region.id}


def test_a_search_that_finds_nothing_says_so(client, persona):
    sign_in(client, persona("coordinator"))
    html = client.get(reverse("cases:list"), {"q": "Zzyzxqvortle"}).content.decode()
    assert 'data-testid="case-count">0 cases' in html
    assert "No case matches these filters." in html


def test_filters_narrow_the_list_to_child_labor_cases(client, persona):
    sign_in(client, persona("coordinator"))
    response = client.get(reverse("cases:list"), {"age_group": "minor", "trafficking_type": "labor"})
    cases = list(response.context["page"].paginator.object_list)
    assert cases, "the session world has child labor cases in Greater Hartford"
    assert {(c.age_group, c.trafficking_type) for c in cases} == {("minor", "labor")}


def test_search_finds_a_case_by_reference_and_by_survivor_name(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    case = Case.objects.filter(region=coordinator.membership.agency.region).first()
    by_reference = client.get(reverse("cases:list"), {"q": case.reference.lower()})
    assert [c.id for c in by_reference.context["page"]] == [case.id]
    survivor = case.participants.get(role="survivor").person
    by_name = client.get(reverse("cases:list"), {"q": survivor.last_name})
    assert case.id in {c.id for c in by_name.context["page"].paginator.object_list}


def _coordinator_survivor(persona):
    coordinator = persona("coordinator")
    case = Case.objects.filter(region=coordinator.membership.agency.region).order_by("id").first()
    return coordinator, case, case.participants.get(role="survivor").person


def _found(client, q):
    return set(client.get(reverse("cases:list"), {"q": q}).context["page"].paginator.object_list)


def test_a_name_search_ignores_case_and_accents_and_takes_the_full_name_or_a_beginning(client, persona):
    coordinator, case, survivor = _coordinator_survivor(persona)
    survivor.first_name, survivor.last_name = "Ximena", "Quiñónez-Arbeláez"
    survivor.save()
    sign_in(client, coordinator)
    for q in ("Ximena Quiñónez-Arbeláez", "XIMENA QUINONEZ", "quiñ", "arbel xim", "Quinonez, Ximena"):
        assert case in _found(client, q), q
    for q in ("ximenaq", "nonez", "Ximena Zzyzx"):
        assert case not in case_list(coordinator, CaseFilters(q=q)), q


def test_a_search_of_single_letters_finds_no_name(client, persona):
    coordinator, _, survivor = _coordinator_survivor(persona)
    sign_in(client, coordinator)
    response = client.get(reverse("cases:list"), {"q": survivor.last_name[0]})
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_a_reference_is_found_whole_without_its_prefix_too(client, persona):
    coordinator, case, _ = _coordinator_survivor(persona)
    sign_in(client, coordinator)
    assert _found(client, case.reference.removeprefix("CT-").lower()) == {case}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity is pg_trgm's")
def test_a_misspelt_name_is_found_on_postgresql(client, persona):
    coordinator, case, survivor = _coordinator_survivor(persona)
    survivor.first_name, survivor.last_name = "Valentina", "Montenegro"
    survivor.save()
    sign_in(client, coordinator)
    assert case not in case_list(coordinator, CaseFilters(q="Valentina Montenegor"))
    response = client.get(reverse("cases:list"), {"q": "Valentina Montenegor"})
    assert case in response.context["page"].paginator.object_list
    assert b"similar names" in response.content


def test_a_long_list_shows_a_capped_count_and_pages_on(client, persona, monkeypatch):
    monkeypatch.setattr("continuum.cases.paging.COUNT_CAP", 30)
    from continuum.cases import paging

    coordinator = persona("coordinator")
    region_cases = Case.objects.filter(region=coordinator.membership.agency.region).count()
    assert region_cases > 30
    sign_in(client, coordinator)
    monkeypatch.setattr(
        "continuum.cases.views.capped_page",
        lambda qs, number, per_page: paging.capped_page(qs, number, per_page=per_page, cap=30),
    )
    response = client.get(reverse("cases:list"), {"page": 2})
    page = response.context["page"]
    assert page.capped and page.count == 30 and page.number == 2
    assert b"More than 30 cases" in response.content
    assert b"Page 2<" in response.content


def test_bad_filter_values_are_explained_not_crashed_on(client, persona):
    sign_in(client, persona("coordinator"))
    response = client.get(reverse("cases:list"), {"age_group": "elderly", "region": "atlantis", "page": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"age_group", "region"}
    assert response.context["page"] is None
    assert b"Some filters were not understood" in response.content


def test_a_full_case_list_page_costs_only_the_capped_count_more_than_one_row(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    one = Case.objects.filter(region=coordinator.membership.agency.region).first()
    counts = []
    for params in ({}, {"q": one.reference}):
        client.get(reverse("cases:list"), params)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("cases:list"), params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["page"]) == 1
    # One row settles the total; a full page adds one COUNT, capped (continuum/cases/paging.py).
    assert counts[0] == counts[1] + 1 <= 20


def test_the_coordinator_opens_a_case_of_their_region(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    region_cases = Case.objects.filter(region=coordinator.membership.agency.region)
    case = region_cases.first()
    response = client.get(reverse("cases:detail", args=[case.id]))
    assert response.status_code == 200
    assert case.reference.encode() in response.content
    assert b"Referral received" in response.content


def test_the_case_page_runs_the_same_queries_for_a_small_and_a_large_case(client, persona):
    from django.db.models import Count

    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    region_cases = Case.objects.filter(region=coordinator.membership.agency.region).annotate(
        n=Count("journey_events", distinct=True) + Count("participants", distinct=True)
    )
    small, large = region_cases.order_by("n").first(), region_cases.order_by("-n").first()
    assert small.n < large.n
    counts = []
    for case in (small, large):
        client.get(reverse("cases:detail", args=[case.id]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:detail", args=[case.id])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25, counts


def test_a_case_of_another_region_is_not_found_for_the_coordinator(client, persona):
    coordinator = persona("coordinator")
    sign_in(client, coordinator)
    other = Case.objects.exclude(region=coordinator.membership.agency.region).first()
    missing = client.get(reverse("cases:detail", args=[uuid.uuid4()]))
    response = client.get(reverse("cases:detail", args=[other.id]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


@pytest.mark.parametrize("username", NO_CASE_ACCESS)
def test_roles_without_case_rules_get_404_for_the_list_and_every_case(client, persona, username):
    sign_in(client, persona(username))
    assert client.get(reverse("cases:list")).status_code == 404
    for case in Case.objects.all()[:20]:
        assert client.get(reverse("cases:detail", args=[case.id])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    case = Case.objects.first()
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.id])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
