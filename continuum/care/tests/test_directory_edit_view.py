"""Editing a directory entry: a provider keeps its own services up to date, never another
organisation's (404, the same as an id that does not exist); a coordinator edits the services of
their region's providers; an edit made on a stale version is refused with 409, saves nothing and
shows the newer values; bad input gets a message and saves nothing."""

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.care import actions
from continuum.care.models import ProviderService
from continuum.care.tests.conftest import edit_data

pytestmark = pytest.mark.django_db


def _url(service_or_id):
    return reverse("care:directory_edit", args=[getattr(service_or_id, "pk", service_or_id)])


def _stored(service):
    fresh = ProviderService.objects.get(pk=service.pk)
    return fresh.version, actions.service_values(fresh)


def test_a_provider_edits_the_capacity_of_its_own_service(client, provider_user, shelter):
    sign_in(client, provider_user)
    page = client.get(_url(shelter))
    assert page.status_code == 200
    assert "service_type" not in page.context["form"].fields  # what a service is, is curated
    response = client.post(
        _url(shelter), edit_data(shelter, capacity=5, waitlist=3, contact_phone="860-555-0111")
    )
    assert response.status_code == 302 and response["Location"] == reverse("care:directory")
    shelter.refresh_from_db()
    assert (shelter.capacity, shelter.waitlist, shelter.contact_phone, shelter.version) == (
        5,
        3,
        "860-555-0111",
        2,
    )
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.action, last.object_type, last.object_id) == (
        "update",
        "care.ProviderService",
        str(shelter.pk),
    )
    assert last.fields == ["capacity", "contact_phone", "waitlist"]
    assert "860-555-0111" not in str(last.detail) + str(last.fields)


def test_a_provider_gets_404_for_another_organisations_service_as_for_a_missing_one(
    client, provider_user, eastern_shelter
):
    sign_in(client, provider_user)
    before = _stored(eastern_shelter)
    missing = client.get(_url(999_999_999))
    theirs = client.get(_url(eastern_shelter))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    posted = client.post(_url(eastern_shelter), edit_data(eastern_shelter, capacity=0))
    posted_missing = client.post(_url(999_999_999), edit_data(eastern_shelter, capacity=0))
    assert posted.status_code == posted_missing.status_code == 404
    assert posted.content == posted_missing.content
    assert _stored(eastern_shelter) == before
    denial = AuditEvent.objects.order_by("-id").first()
    assert (denial.action, denial.outcome, denial.object_id) == ("deny", "denied", "999999999")


def test_a_coordinator_of_another_region_gets_404(client, western_coordinator, shelter):
    sign_in(client, western_coordinator)
    before = _stored(shelter)
    assert client.get(_url(shelter)).status_code == 404
    assert client.post(_url(shelter), edit_data(shelter, capacity=9)).status_code == 404
    assert _stored(shelter) == before


def test_the_regions_coordinator_edits_what_the_service_is(client, coordinator, shelter):
    sign_in(client, coordinator)
    response = client.post(
        _url(shelter), edit_data(shelter, service_type="long_term_housing", name="Transitional flats")
    )
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert (shelter.service_type, shelter.name) == ("long_term_housing", "Transitional flats")


def test_a_stale_edit_is_refused_with_409_saves_nothing_and_shows_the_newer_values(
    client, coordinator, provider_user, shelter
):
    sign_in(client, provider_user)
    opened = edit_data(shelter)  # the form as the provider opened it
    actions.provider_service_update(
        actor=coordinator, service=shelter, expected_version=shelter.version, changes={"capacity": 7}
    )
    newer = _stored(shelter)
    response = client.post(_url(shelter), {**opened, "capacity": 4, "contact_email": "desk@example.invalid"})
    assert response.status_code == 409
    assert _stored(shelter) == newer
    form = response.context["form"]
    assert form.initial["capacity"] == 7 and form.initial["version"] == newer[0]
    html = response.content.decode()
    assert 'data-testid="stale"' in html and "Places: 2 → 7" in html
    assert 'value="7"' in html


def test_a_referral_accepted_meanwhile_makes_the_edit_stale(
    client, advocate, provider_user, shelter, case, survivor, consent
):
    sign_in(client, provider_user)
    opened = edit_data(shelter)
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    version, values = _stored(shelter)
    assert version == opened["version"] + 1 and values["in_use"] == 2
    response = client.post(_url(shelter), {**opened, "in_use": 0})
    assert response.status_code == 409
    assert _stored(shelter) == (version, values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"min_age": 17, "max_age": 12}, "max_age", "must not be below the youngest"),
        ({"languages": "en, xx"}, "languages", "ISO 639-1"),
        ({"capacity": -1}, "capacity", "greater than or equal to 0"),
        ({"in_use": "twelve"}, "in_use", "Enter a whole number"),
        ({"contact_email": "not an address"}, "contact_email", "valid email"),
    ],
)
def test_bad_input_gets_a_message_and_saves_nothing(client, provider_user, shelter, changes, field, message):
    sign_in(client, provider_user)
    before = _stored(shelter)
    audit_rows = AuditEvent.objects.count()
    response = client.post(_url(shelter), edit_data(shelter, **{"capacity": 9, **changes}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert _stored(shelter) == before
    assert AuditEvent.objects.count() == audit_rows
