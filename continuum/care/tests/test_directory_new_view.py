"""Adding a service to the directory: the coordinator adds services of their region's provider
agencies only; a provider's staff keep their services up to date but add none."""

import pytest
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.care.models import ProviderService
from continuum.care.tests.conftest import make_provider
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db


def _data(agency, **changes):
    return {
        "agency": agency.pk,
        "service_type": "immigration",
        "name": "Visa clinic",
        "min_age": "18",
        "max_age": "",
        "languages": "es, EN",
        "capacity": "4",
        "in_use": "0",
        "waitlist": "0",
        "contact_phone": "",
        "contact_email": "clinic@example.invalid",
        "active": "yes",
        **changes,
    }


def test_the_coordinator_adds_a_service_of_a_provider_of_their_region(client, coordinator, hartford):
    agency = make_provider(hartford)
    sign_in(client, coordinator)
    assert client.get(reverse("care:directory_new")).status_code == 200
    response = client.post(reverse("care:directory_new"), {**_data(agency), "regions": [hartford.pk]})
    assert response.status_code == 302
    service = ProviderService.objects.get(agency=agency)
    assert (service.service_type, service.min_age, service.languages, service.version) == (
        "immigration",
        18,
        ["es", "en"],
        1,
    )
    assert list(service.regions.all()) == [hartford]
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.action, last.object_id) == ("create", str(service.pk))
    assert "clinic@example.invalid" not in str(last.detail) + str(last.fields)
    assert "contact_email" in last.fields and "agency" in last.fields


def test_a_provider_agency_of_another_region_is_not_offered(client, coordinator):
    eastern = Agency.objects.get(name="Safe Harbor Housing (Eastern)")
    sign_in(client, coordinator)
    page = client.get(reverse("care:directory_new"))
    assert eastern not in page.context["form"].fields["agency"].queryset
    response = client.post(reverse("care:directory_new"), _data(eastern))
    assert response.status_code == 400 and "agency" in response.context["form"].errors
    assert not ProviderService.objects.filter(agency=eastern, name="Visa clinic").exists()


def test_bad_input_adds_nothing(client, coordinator, hartford):
    agency = make_provider(hartford)
    sign_in(client, coordinator)
    response = client.post(
        reverse("care:directory_new"), {**_data(agency, languages="en, klingon"), "regions": [hartford.pk]}
    )
    assert response.status_code == 400 and "ISO 639-1" in response.content.decode()
    assert not ProviderService.objects.filter(agency=agency).exists()


def test_a_provider_adds_no_service(client, provider_user):
    sign_in(client, provider_user)
    agency = provider_user.membership.agency
    assert client.get(reverse("care:directory_new")).status_code == 404
    count = ProviderService.objects.filter(agency=agency).count()
    assert client.post(reverse("care:directory_new"), _data(agency)).status_code == 404
    assert ProviderService.objects.filter(agency=agency).count() == count
