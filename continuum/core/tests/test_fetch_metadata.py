"""Sign-in works under Referrer-Policy: no-referrer, and cross-site posts are refused."""

import pytest
from django.test import Client
from django.urls import reverse

from continuum.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("web:login"))
    return client


def _post(client, **headers):
    token = client.cookies["csrftoken"].value
    return client.post(
        reverse("web:login"),
        {"username": "coordinator", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        headers=headers,
    )


def test_every_response_asks_for_no_referrer(client):
    assert client.get(reverse("web:landing"))["Referrer-Policy"] == "no-referrer"


def test_a_same_origin_post_with_a_null_origin_signs_in(csrf_client):
    response = _post(csrf_client, origin="null", sec_fetch_site="same-origin")
    assert response.status_code == 302


def test_a_null_origin_without_fetch_metadata_is_refused(csrf_client):
    assert _post(csrf_client, origin="null").status_code == 403


def test_a_cross_site_post_is_refused_even_with_a_token(csrf_client):
    response = _post(csrf_client, origin="http://testserver", sec_fetch_site="cross-site")
    assert response.status_code == 403
