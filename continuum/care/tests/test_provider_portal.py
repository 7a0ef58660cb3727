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


def answer_url(referral):
    return reverse("care:service_referral_answer", args=[referral.pk])


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
    answer = client.post(reverse("care:service_referral_answer", args=[theirs.pk]), {"answer": "accept"})
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"


def test_the_provider_accepts_and_starts_and_each_step_is_a_journey_event(client, persona, ours):
    sign_in(client, persona("provider"))
    answered = client.post(answer_url(ours), {"answer": "accept", "version": ours.version})
    assert answered.status_code == 302
    assert answered["Location"] == reverse("care:provider_referral", args=[ours.pk])
    ours.refresh_from_db()
    assert ours.status == "accepted"
    client.post(reverse("care:service_referral_start", args=[ours.pk]), {"version": ours.version})
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
    response = client.post(answer_url(ours), {"answer": "accept", "version": ours.version + 5})
    assert response.status_code == 409
    ours.refresh_from_db()
    assert ours.status == "sent"
    page = response.content.decode()
    assert "This record was changed by someone else after you opened it" in page


@pytest.mark.parametrize("version", [None, "", "abc", "0", "9" * 19, "\u0661"])
def test_an_answer_without_a_good_version_is_refused_and_changes_nothing(client, persona, ours, version):
    sign_in(client, persona("provider"))
    before = ServiceReferral.objects.get(pk=ours.pk)
    data = {"answer": "accept"} if version is None else {"answer": "accept", "version": version}
    response = client.post(answer_url(ours), data)
    assert response.status_code == 400
    after = ServiceReferral.objects.get(pk=ours.pk)
    assert (after.status, after.version, after.updated_at) == (
        before.status,
        before.version,
        before.updated_at,
    )
    assert "reload the page and try again" in response.content.decode()


@pytest.mark.parametrize("username", ["advocate", "detective", "coordinator", "analyst"])
def test_no_one_else_has_the_portal(client, persona, username, ours):
    sign_in(client, persona(username))
    assert client.get(reverse("care:provider_referrals")).status_code == 404
    assert client.get(reverse("care:provider_referral", args=[ours.pk])).status_code == 404
    assert ServiceReferral.objects.get(pk=ours.pk).status == "sent"


def _state(referral):
    row = ServiceReferral.objects.get(pk=referral.pk)
    return (row.status, row.version, row.updated_at)


def test_each_step_url_does_only_its_own_step(client, persona, ours):
    """An answer posted to the start or close URL, a start or a close to another step's URL: refused
    with 400, and the referral does not move."""
    sign_in(client, persona("provider"))
    before = _state(ours)
    for name, data in (
        ("care:service_referral_start", {"answer": "accept", "version": ours.version}),
        ("care:service_referral_close", {"answer": "accept", "version": ours.version}),
        ("care:service_referral_close", {"outcome": "start", "version": ours.version}),
        ("care:service_referral_answer", {"outcome": "completed", "version": ours.version}),
        ("care:service_referral_answer", {"answer": "completed", "version": ours.version}),
        ("care:service_referral_answer", {"answer": "start", "version": ours.version}),
    ):
        response = client.post(reverse(name, args=[ours.pk]), data)
        assert response.status_code == 400, (name, data)
        assert _state(ours) == before, (name, data)


@pytest.mark.parametrize("step", ["accept", "waitlist", "decline", "start", "completed", "ended", ""])
def test_a_step_style_post_to_the_referral_page_is_refused_with_405(client, persona, ours, step):
    sign_in(client, persona("provider"))
    before = _state(ours)
    response = client.post(
        reverse("care:provider_referral", args=[ours.pk]), {"step": step, "version": ours.version}
    )
    assert response.status_code == 405
    assert _state(ours) == before
