"""Fail closed: an exception inside policy or audit code returns no data."""

import pytest
from django.test import Client
from django.urls import reverse

from continuum.access import policy
from continuum.access.testing import sign_in
from continuum.audit import log as audit
from continuum.cases.models import Case

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("simulated failure")


@pytest.fixture
def case():
    return Case.objects.filter(region__code="greater-hartford").first()


def test_a_failing_relationship_query_denies_the_case_and_empties_the_list(
    client, persona, case, monkeypatch
):
    sign_in(client, persona("coordinator"))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    monkeypatch.setattr(policy, "_relationship_expression", _boom)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_a_failing_policy_file_denies(persona, case, monkeypatch):
    monkeypatch.setattr(policy, "policy", _boom)
    assert not policy.restrict_cases(Case.objects.all(), persona("coordinator"), "list").exists()


def test_a_failing_audit_log_shows_no_data(persona, case, monkeypatch):
    client = Client(raise_request_exception=False)
    sign_in(client, persona("coordinator"))
    survivor_name = case.participants.get(role="survivor").person.last_name
    monkeypatch.setattr(audit, "record", _boom)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 500
    assert survivor_name.encode() not in response.content
    assert case.reference.encode() not in response.content
