"""The case team page: the coordinator adds and removes members, each by its own URL; one
operation's fields sent to the other's URL change nothing, and the page itself takes no POST."""

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.coordination.models import CaseTeamMember

pytestmark = pytest.mark.django_db


def _team(case):
    return sorted(CaseTeamMember.objects.filter(case=case).values_list("id", "user_id", "removed_at"))


def test_the_coordinator_adds_and_removes_a_member(client, persona, team_case):
    caseworker = persona("caseworker")
    sign_in(client, persona("coordinator"))
    added = client.post(
        reverse("coordination:team_add", args=[team_case.pk]), {"member": caseworker.pk, "team_role": "other"}
    )
    assert added.status_code == 302 and added["Location"] == reverse("coordination:team", args=[team_case.pk])
    member = CaseTeamMember.objects.get(case=team_case, user=caseworker, removed_at=None)
    removed = client.post(
        reverse("coordination:team_remove", args=[team_case.pk]), {"team_member": member.pk}
    )
    assert removed.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None


def test_each_operation_url_does_only_its_own_operation(client, persona, team_case):
    """The add form sent to the remove URL names no member to remove (404); a removal sent to the
    add URL adds no one (400). Nothing changes either way."""
    advocate = persona("advocate")
    member = CaseTeamMember.objects.filter(case=team_case, user=advocate, removed_at=None).first()
    assert member is not None
    sign_in(client, persona("coordinator"))
    before = _team(team_case)
    # The add form's `member` is a user id: it must never be read as a place on the team.
    add_fields = {"member": member.pk, "team_role": "advocate"}
    assert (
        client.post(reverse("coordination:team_remove", args=[team_case.pk]), add_fields).status_code == 404
    )
    assert _team(team_case) == before
    removal = {"team_member": member.pk}
    response = client.post(reverse("coordination:team_add", args=[team_case.pk]), removal)
    assert response.status_code == 400 and response.context["form"].errors
    assert _team(team_case) == before


@pytest.mark.parametrize("field", ["remove", "member"])
def test_an_old_style_post_to_the_team_page_is_refused_with_405(client, persona, team_case, field):
    advocate = persona("advocate")
    member = CaseTeamMember.objects.filter(case=team_case, user=advocate, removed_at=None).first()
    sign_in(client, persona("coordinator"))
    before = _team(team_case)
    value = member.pk if field == "remove" else persona("caseworker").pk
    response = client.post(
        reverse("coordination:team", args=[team_case.pk]), {field: value, "team_role": "other"}
    )
    assert response.status_code == 405
    assert _team(team_case) == before
