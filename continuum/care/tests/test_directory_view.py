"""The provider directory: coordinators see their region's providers (statewide staff every
region's), a provider's staff only their own organisation's services; the filters narrow the
list; the page costs the same number of queries however many services it lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.care.models import ProviderService
from continuum.care.tests.conftest import make_provider
from continuum.core.codes import ServiceType
from continuum.org.models import Region

pytestmark = pytest.mark.django_db


def _listed(client, **filters):
    response = client.get(reverse("care:directory"), filters)
    assert response.status_code == 200
    return response.context["services"]


def test_a_coordinator_sees_the_services_of_their_regions_providers_only(
    client, coordinator, shelter, eastern_shelter
):
    sign_in(client, coordinator)
    listed = _listed(client)
    assert shelter in listed and eastern_shelter not in listed
    assert {s.agency.region_id for s in listed} == {coordinator.membership.agency.region_id}
    assert client.get(reverse("care:directory")).context["can_add"] is True


def test_statewide_coordinators_see_every_regions_providers(
    client, statewide_coordinator, shelter, eastern_shelter
):
    sign_in(client, statewide_coordinator)
    listed = _listed(client)
    assert shelter in listed and eastern_shelter in listed
    assert len({s.agency.region_id for s in listed}) > 2


def test_a_provider_sees_only_its_own_organisations_services(client, provider_user, shelter, eastern_shelter):
    sign_in(client, provider_user)
    response = client.get(reverse("care:directory"))
    listed = response.context["services"]
    assert shelter in listed and eastern_shelter not in listed
    assert {s.agency_id for s in listed} == {provider_user.membership.agency_id}
    assert response.context["can_add"] is False
    assert reverse("care:directory_new") not in response.content.decode()


@pytest.mark.parametrize("username", ["advocate", "detective", "analyst", "intake", "admin"])
def test_no_one_else_has_the_directory(client, persona, username):
    sign_in(client, persona(username))
    assert client.get(reverse("care:directory")).status_code == 404


def test_the_filters_narrow_the_list_by_type_region_language_and_room(client, coordinator, hartford):
    agency = make_provider(hartford)
    full = ProviderService.objects.create(
        agency=agency, service_type=ServiceType.LEGAL, capacity=2, in_use=2, languages=["pt"]
    )
    free = ProviderService.objects.create(
        agency=agency, service_type=ServiceType.LEGAL, capacity=2, in_use=0, languages=["en"]
    )
    anywhere = ProviderService.objects.create(agency=agency, service_type=ServiceType.LEGAL, capacity=1)
    eastern = Region.objects.get(code="eastern")
    anywhere.regions.set([hartford, eastern])
    sign_in(client, coordinator)
    legal = set(_listed(client, service_type=ServiceType.LEGAL))
    assert {full, free, anywhere} <= legal
    assert all(s.service_type == ServiceType.LEGAL for s in legal)
    assert {free, anywhere} <= set(_listed(client, service_type=ServiceType.LEGAL, room="free"))
    assert full not in _listed(client, service_type=ServiceType.LEGAL, room="free")
    in_portuguese = _listed(client, service_type=ServiceType.LEGAL, language="pt")
    assert full in in_portuguese and anywhere in in_portuguese and free not in in_portuguese
    serving_eastern = _listed(client, region="eastern")
    assert serving_eastern == [anywhere]


def test_a_filter_it_does_not_understand_is_refused_with_a_message(client, coordinator):
    sign_in(client, coordinator)
    response = client.get(reverse("care:directory"), {"service_type": "spa_weekend"})
    assert response.status_code == 400
    assert "not understood" in response.content.decode()


def test_the_list_is_audited_and_costs_the_same_queries_for_more_services(client, coordinator, hartford):
    sign_in(client, coordinator)
    agency = make_provider(hartford)
    client.get(reverse("care:directory"))  # warm the session and the policy
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("care:directory"))
    for _ in range(5):
        service = ProviderService.objects.create(agency=agency, service_type=ServiceType.MEDICAL, capacity=1)
        service.regions.set([hartford])
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("care:directory"))
    assert len(more) == len(few)
    last = AuditEvent.objects.order_by("-id").first()
    assert last.action == "list" and last.object_type == "care.ProviderService"
    assert last.detail == {"count": len(response.context["services"])}
