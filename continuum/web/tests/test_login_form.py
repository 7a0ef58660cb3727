"""The sign-in form answers an impossible username like any wrong one, and never lets it reach the
lockout's tables (on PostgreSQL a 10,000-character name did not fit their column: a 500)."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

WRONG = "That username and password did not match."


@pytest.mark.parametrize(
    "username", ["x" * 10_000, "coordinator\u202e", "coord\x00inator", "a" * 151], ids=str.__len__
)
def test_an_impossible_username_gets_the_usual_answer_and_writes_nothing(client, username):
    response = client.post(reverse("web:login"), {"username": username, "password": "whatever-it-is"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert AccessAttempt.objects.count() == 0


def test_a_wrong_password_for_a_possible_username_still_counts_towards_the_lockout(client):
    response = client.post(reverse("web:login"), {"username": "nobody-here", "password": "whatever-it-is"})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert AccessAttempt.objects.filter(username="nobody-here").count() == 1
