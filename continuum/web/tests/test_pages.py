import re

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in, totp_code, totp_device
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


def test_a_persona_signs_in_with_the_demo_password_and_a_code_and_lands_home(client, persona):
    coordinator = persona("coordinator")
    totp_device(coordinator)
    response = client.post(reverse("web:login"), {"username": "coordinator", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:verify"))
    verified = client.post(response["Location"], {"token": totp_code(coordinator)})
    assert verified.status_code == 302
    assert verified["Location"] == reverse("web:home")
    home = client.get(verified["Location"])
    assert home.status_code == 200
    assert b"Taskforce coordinator" in home.content
    assert reverse("cases:list").encode() in home.content


def test_a_wrong_password_is_refused_with_a_plain_message(client):
    response = client.post(reverse("web:login"), {"username": "coordinator", "password": "nope"})
    assert response.status_code == 200
    assert b"did not match" in response.content


@pytest.mark.parametrize(
    ("username", "sees_cases", "sees_flagged", "role_label"),
    [
        ("detective", True, False, "Law enforcement investigator"),
        ("analyst", False, False, "Statewide analyst"),
        ("admin", True, True, "Administrator"),  # the cases under break-glass, if any
        ("provider", False, False, "Service provider staff"),
    ],
)
def test_navigation_fits_the_role(client, persona, username, sees_cases, sees_flagged, role_label):
    sign_in(client, persona(username))
    html = client.get(reverse("web:home")).content.decode()
    assert (f'href="{reverse("cases:list")}"' in html) is sees_cases
    assert (f'href="{reverse("audit:flagged")}"' in html) is sees_flagged
    assert role_label in html


def test_sign_out_ends_the_session(client, persona):
    sign_in(client, persona("coordinator"))
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


def test_the_benchmark_floor_answers_ok_to_verified_staff_only(client, persona):
    url = reverse("web:staff_ok")
    assert client.get(url).status_code == 302
    sign_in(client, persona("detective"))
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"ok"
