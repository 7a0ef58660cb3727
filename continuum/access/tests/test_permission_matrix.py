"""Generated: every persona (and an anonymous visitor) against every URL pattern, on cases of
their own agency, of their case team, of another region, with consent in force, expired,
revoked and absent. Every outcome must be what policy.yaml says (read by the oracle)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from continuum.access import policy
from continuum.access.testing import sign_in
from continuum.access.tests import oracle
from continuum.access.tests.scenario import (
    PERSONA_NAMES,
    POST_FORMS,
    POST_ONLY,
    SECOND_ID,
    build,
    case_url,
    oracle_world,
)
from continuum.org.models import User

pytestmark = pytest.mark.django_db

# Work URLs that act on one object by id (POST): an unknown id answers 404 whoever asks.
WORK_ON_AN_OBJECT = {
    "intake:tip_take_up",
    "intake:referral_open_case",
    "care:provider_referral",
    "care:service_referral_answer",
    "care:service_referral_start",
    "care:service_referral_close",
    "care:directory_edit",
    "mdt:meeting",
    "mdt:meeting_agenda_add",
    "mdt:meeting_invite",
    "mdt:meeting_attendance",
    "mdt:meeting_minute",
    "mdt:meeting_action_item",
    "mdt:meeting_hold",
    "mdt:meeting_cancel",
}
# Of those, the ones whose id is a number rather than a UUID.
NUMBERED_OBJECTS = {"care:directory_edit"}
# Of those, the pages that are only read (GET); each of their operations has a URL of its own.
READ_ONLY_OBJECTS = {"care:provider_referral", "mdt:meeting"}
# Other URLs that take only a POST.
OTHER_POST_ONLY = {"access:enroll_start"}
CASE_SITUATIONS = [
    "own_team",
    "child_case",
    "consent_in_force",
    "consent_expired",
    "consent_revoked",
    "no_consent",
    "other_region",
]
VISITORS = [*PERSONA_NAMES, "anonymous"]
CASE_URLS = [name for name, op in policy.policy().urls.items() if op.startswith("case.")]


def _url(name: str, case) -> str:
    return case_url(name, case.pk)


def _client(client, username):
    if username != "anonymous":
        sign_in(client, User.objects.select_related("membership__agency").get(username=username))
    return client


@pytest.fixture
def situations(db):
    return build()


@pytest.mark.parametrize("url_name", CASE_URLS)
@pytest.mark.parametrize("username", VISITORS)
def test_every_case_url_answers_as_the_policy_file_says(client, situations, username, url_name):
    action = policy.policy().urls[url_name].split(".", 1)[1]
    _client(client, username)
    user = (
        None
        if username == "anonymous"
        else User.objects.select_related("membership__agency").get(username=username)
    )
    for situation in CASE_SITUATIONS:
        case = situations[situation]
        url = _url(url_name, case)
        response = client.post(url) if url_name in POST_ONLY else client.get(url)
        if user is None:
            assert response.status_code == 302 and "/login/" in response["Location"], (situation, url_name)
            continue
        if url_name == "cases:list":
            expected = any(oracle.allowed(oracle_world(user, c), "list", timezone.now()) for c in [case])
            listed = response.status_code == 200 and case in response.context["page"].paginator.object_list
            assert listed == expected, (username, situation)
            continue
        allowed = oracle.allowed(oracle_world(user, case), action, timezone.now())
        if not allowed:
            assert response.status_code == 404, (username, situation, url_name, response.status_code)
        elif url_name in SECOND_ID:
            assert response.status_code == 404  # object 0 does not exist, but the case door opened
        elif url_name in POST_FORMS:
            # An operation of its own URL, posted empty: its form refused, or its object not found.
            assert response.status_code == POST_FORMS[url_name], (username, situation, url_name)
        elif url_name in POST_ONLY:
            # An empty form is refused with a message and a redirect back into the case.
            assert response.status_code == 302 and str(case.pk) in response["Location"], (username, url_name)
        else:
            assert response.status_code in (200, 302), (username, situation, url_name, response.status_code)
            if response.status_code == 302:
                assert "/account/" in response["Location"]  # a fresh second factor, never a leak


@pytest.mark.parametrize("username", VISITORS)
def test_every_other_url_answers_as_the_policy_file_says(client, username):
    _client(client, username)
    role = None if username == "anonymous" else User.objects.get(username=username).membership.role
    for name, operation in policy.policy().urls.items():
        if operation.startswith("case."):
            continue
        if name == "audit:review":
            response = client.post(reverse(name, args=[999999]), {"outcome": "justified"})
        elif name == "web:logout":
            continue  # signing out is tried on its own below
        elif operation.startswith("token."):
            response = client.post(reverse(name), data="{}", content_type="application/json")
            assert response.status_code == 401, (username, name)  # a session is never a token
            continue
        elif name in WORK_ON_AN_OBJECT:
            send = client.get if name in READ_ONLY_OBJECTS else client.post
            response = send(reverse(name, args=[999_999_999 if name in NUMBERED_OBJECTS else uuid.uuid4()]))
        elif name in OTHER_POST_ONLY:
            response = client.post(reverse(name))
        else:
            response = client.get(reverse(name))
        if operation.startswith("work."):
            allowed = role in policy.policy().work[operation[5:]]
            if role is None:
                assert response.status_code == 302, name
            elif name in WORK_ON_AN_OBJECT:
                assert response.status_code == 404, (username, name)  # no such object, or no such right
            else:
                assert response.status_code == (200 if allowed else 404), (username, name)
            continue
        if operation == "public":
            assert response.status_code in (200, 302), name
        elif operation == "staff":
            assert response.status_code == (302 if role is None else 200), name
        elif operation == "admin.review":
            if role is None:
                assert response.status_code == 302
            elif role == "admin":
                assert response.status_code in (200, 404 if name == "audit:review" else 200), name
            else:
                assert response.status_code == 404, (username, name)
        elif operation == "login":
            assert response.status_code in (200, 302), name


def test_signing_out_is_a_post_and_ends_the_session(client, persona):
    sign_in(client, persona("coordinator"))
    assert client.post(reverse("web:logout")).status_code == 302
    assert client.get(reverse("web:home")).status_code == 302
