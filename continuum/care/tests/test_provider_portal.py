"""The provider portal: a provider sees only its organisation's referrals, with only the fields
the policy lists for providers; other ids answer 404 like ids that do not exist."""

import uuid

import pytest
from django.urls import reverse

from continuum.access import policy
from continuum.access.testing import sign_in
from continuum.care import actions
from continuum.care.models import ProviderService, ServiceReferral
from continuum.care.tests.conftest import join_team, make_case, make_consent
from continuum.core.codes import ServiceType
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db


def _sent(advocate, case, survivor, service):
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=service)
    return actions.service_referral_send(actor=advocate, referral=referral, expected_version=referral.version)


@pytest.fixture
def ours(advocate, case, survivor, shelter, consent):
    survivor.last_name = "CANARY-LASTNAME"
    survivor.current_location = "CANARY-LOCATION"
    survivor.save()
    return _sent(advocate, case, survivor, shelter)


@pytest.fixture
def theirs(advocate, hartford):
    eastern = Agency.objects.get(name="Safe Harbor Housing (Eastern)")
    service = ProviderService.objects.create(
        agency=eastern, service_type=ServiceType.EMERGENCY_HOUSING, capacity=3
    )
    case, survivor = make_case(
        eastern.region, Agency.objects.get(name="Eastern Human Trafficking Recovery Taskforce")
    )
    make_consent(case, survivor, eastern, join_team(case, advocate) and advocate)
    return _sent(advocate, case, survivor, service)


def test_the_provider_sees_its_referral_with_only_the_fields_a_referral_needs(client, persona, ours):
    sign_in(client, persona("provider"))
    listing = client.get(reverse("care:provider_referrals"))
    assert listing.status_code == 200
    listed = [row["referral"] for row in listing.context["rows"]]
    # The synthetic world sends referrals to this provider too: ours is among them, and only the
    # provider's own organisation's are listed.
    assert ours.pk in {referral.id for referral in listed}
    assert {referral.service.agency_id for referral in listed} == {ours.service.agency_id}
    page = client.get(reverse("care:provider_referral", args=[ours.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert ours.survivor.first_name in html
    assert "CANARY-LASTNAME" not in html and "CANARY-LOCATION" not in html
    for key, label in (
        ("referral", "care.ServiceReferral"),
        ("person", "people.Person"),
        ("case", "cases.Case"),
    ):
        assert page.context[key].allowed == policy.referral_fields(label)
    assert "last_name" not in policy.referral_fields("people.Person")


def test_another_organisations_referral_is_not_found(client, persona, ours, theirs):
    sign_in(client, persona("provider"))
    listed = {row["referral"].id for row in client.get(reverse("care:provider_referrals")).context["rows"]}
    assert theirs.pk not in listed
    missing = client.get(reverse("care:provider_referral", args=[uuid.uuid4()]))
    replay = client.get(reverse("care:provider_referral", args=[theirs.pk]))
    assert replay.status_code == missing.status_code == 404 and replay.content == missing.content
    answer = client.post(reverse("care:provider_referral", args=[theirs.pk]), {"step": "accept"})
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"


def test_the_provider_accepts_and_starts_and_each_step_is_a_journey_event(client, persona, ours):
    sign_in(client, persona("provider"))
    url = reverse("care:provider_referral", args=[ours.pk])
    client.post(url, {"step": "accept", "version": ours.version})
    ours.refresh_from_db()
    assert ours.status == "accepted"
    client.post(url, {"step": "start", "version": ours.version})
    ours.refresh_from_db()
    assert ours.status == "started"
    kinds = list(JourneyEvent.objects.filter(case=ours.case).order_by("id").values_list("kind", flat=True))
    assert kinds[-3:] == [
        EventKind.SERVICE_REFERRAL_SENT,
        EventKind.SERVICE_REFERRAL_ACCEPTED,
        EventKind.SERVICE_STARTED,
    ]


def test_a_stale_answer_is_refused_and_changes_nothing(client, persona, ours):
    sign_in(client, persona("provider"))
    url = reverse("care:provider_referral", args=[ours.pk])
    response = client.post(url, {"step": "accept", "version": ours.version + 5})
    ours.refresh_from_db()
    assert ours.status == "sent"
    page = client.get(response["Location"]).content.decode()
    assert "This record was changed by someone else after you opened it" in page


@pytest.mark.parametrize("version", [None, "", "abc", "0", "9" * 19, "\u0661"])
def test_an_answer_without_a_good_version_is_refused_and_changes_nothing(client, persona, ours, version):
    sign_in(client, persona("provider"))
    url = reverse("care:provider_referral", args=[ours.pk])
    before = ServiceReferral.objects.get(pk=ours.pk)
    data = {"step": "accept"} if version is None else {"step": "accept", "version": version}
    response = client.post(url, data)
    assert response.status_code == 302
    after = ServiceReferral.objects.get(pk=ours.pk)
    assert (after.status, after.version, after.updated_at) == (
        before.status,
        before.version,
        before.updated_at,
    )
    page = client.get(response["Location"]).content.decode()
    assert "reload the page and try again" in page


@pytest.mark.parametrize("username", ["advocate", "detective", "coordinator", "analyst"])
def test_no_one_else_has_the_portal(client, persona, username, ours):
    sign_in(client, persona(username))
    assert client.get(reverse("care:provider_referrals")).status_code == 404
    assert client.get(reverse("care:provider_referral", args=[ours.pk])).status_code == 404
    assert ServiceReferral.objects.get(pk=ours.pk).status == "sent"
