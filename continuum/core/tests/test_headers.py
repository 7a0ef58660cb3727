"""Security headers on every response, and templates that a strict CSP can serve (SECURITY.md 15)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.core.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
TEMPLATE_ROOT = Path(__file__).resolve().parents[2]  # the continuum package


def _assert_security_headers(response):
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY
    assert "*" not in CONTENT_SECURITY_POLICY


def test_the_landing_page_carries_the_security_headers(client):
    response = client.get(reverse("web:landing"))
    assert response.status_code == 200
    _assert_security_headers(response)


def test_the_login_page_carries_the_security_headers(client):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    _assert_security_headers(response)


def test_a_staff_page_carries_the_security_headers(client, persona):
    sign_in(client, persona("coordinator"))
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    _assert_security_headers(response)


def test_redirects_errors_and_static_files_carry_them_too(client):
    _assert_security_headers(client.get(reverse("web:home")))  # a redirect to sign in
    _assert_security_headers(client.get("/no-such-page/"))
    # Static files leave before the clickjacking middleware; frame-ancestors covers them.
    static = client.get("/static/web/continuum.js")
    assert static.status_code == 200
    assert static["Content-Security-Policy"] == EXPECTED_CSP
    assert static["Cross-Origin-Resource-Policy"] == "same-origin"
    assert static["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert static["X-Content-Type-Options"] == "nosniff"


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    html = client.get(reverse("web:landing")).content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html


# --- templates the policy can serve ---------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
HTMX_INLINE_HANDLER = re.compile(r"\shx-on[:-]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def _templates():
    found = sorted(TEMPLATE_ROOT.glob("**/templates/**/*.html"))
    assert found, TEMPLATE_ROOT
    return found


def test_no_template_has_inline_script_style_or_event_handlers():
    problems = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("<style> element", STYLE_ELEMENT),
            ("style= attribute", STYLE_ATTRIBUTE),
            ("on*= event handler", EVENT_HANDLER),
            ("hx-on attribute", HTMX_INLINE_HANDLER),
            ("javascript: URL", JAVASCRIPT_URL),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{template.relative_to(TEMPLATE_ROOT)}:{line}: {name}")
    assert problems == []


def test_the_template_scan_would_notice_what_it_looks_for():
    assert INLINE_SCRIPT.search('<script>alert(1)</script><script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert STYLE_ATTRIBUTE.search('<p style="color: red">')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert not EVENT_HANDLER.search('<meta content="x"><input name="one">')


# --- nothing of a page stays in a cache -----------------------------------------------------------


def test_staff_pages_public_pages_and_the_api_are_never_stored(client, persona):
    assert "no-store" in client.get(reverse("web:landing"))["Cache-Control"]
    assert "no-store" in client.get(reverse("intake:recognize"))["Cache-Control"]
    assert "no-store" in client.get(reverse("web:home"))["Cache-Control"]  # the redirect to sign in
    assert (
        "no-store"
        in client.post(reverse("intake:api_referrals"), data="{}", content_type="application/json")[
            "Cache-Control"
        ]
    )
    sign_in(client, persona("coordinator"))
    for name in ("web:home", "cases:list", "coordination:tasks", "intake:queue"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name


def test_static_files_keep_their_own_caching(client):
    static = client.get("/static/web/continuum.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
