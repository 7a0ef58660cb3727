import re

import pytest
from django.urls import reverse

from continuum.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _first_focusable(html: str) -> str:
    body = html.split("<body", 1)[1]
    match = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert match
    return match.group(0)


def test_the_landing_page_renders_with_quick_exit_first(client):
    response = client.get(reverse("web:landing"))
    assert response.status_code == 200
    assert "data-quick-exit" in _first_focusable(response.content.decode())


def test_the_login_page_is_public_and_has_quick_exit_first(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    assert "data-quick-exit" in _first_focusable(response.content.decode())


def test_no_page_loads_anything_from_another_site(client):
    html = client.get(reverse("web:landing")).content.decode()
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith(("/", "#")) or "data-quick-exit" in html.split(src)[1][:30], src


def test_a_persona_signs_in_with_the_demo_password_and_lands_home(client):
    response = client.post(reverse("web:login"), {"username": "coordinator", "password": TEST_PASSWORD})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert b"Taskforce coordinator" in home.content
    assert reverse("cases:list").encode() in home.content


def test_a_wrong_password_is_refused_with_a_plain_message(client):
    response = client.post(reverse("web:login"), {"username": "coordinator", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


def test_navigation_fits_the_role(client, persona):
    client.force_login(persona("detective"))
    html = client.get(reverse("web:home")).content.decode()
    assert reverse("cases:list") not in html
    assert "Law enforcement investigator" in html


def test_sign_out_ends_the_session(client, persona):
    client.force_login(persona("coordinator"))
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_demo_mode_shows_the_demonstration_banner(client, settings):
    settings.DEMO_MODE = True
    assert b"Demonstration data" in client.get(reverse("web:landing")).content
    settings.DEMO_MODE = False
    assert b"Demonstration data" not in client.get(reverse("web:landing")).content


def test_static_assets_are_served_by_the_app(client):
    for path in (
        "/static/vendor/uswds/css/uswds.min.css",
        "/static/vendor/htmx/htmx.min.js",
        "/static/web/continuum.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
