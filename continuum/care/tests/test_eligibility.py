"""Whom a service can take: by the case's region, the survivor's age, gender and language."""

import datetime as dt

import pytest
from django.utils import timezone

from continuum.care.models import ProviderService, UnmetReason
from continuum.care.selectors import eligible_services, survivor_age, unmet_reason
from continuum.care.tests.conftest import make_case, make_provider
from continuum.cases.models import Exploitation
from continuum.core.htcds import Gender
from continuum.org.models import Agency, AgencyKind, Region

pytestmark = pytest.mark.django_db
HOUSING = "emergency_housing"


@pytest.fixture
def here(db):
    return Region.objects.create(code="care-here", name="Care Here Region")


@pytest.fixture
def there(db):
    return Region.objects.create(code="care-there", name="Care There Region")


@pytest.fixture
def lead(here):
    return Agency.objects.create(
        name="Care Here Taskforce", kind=AgencyKind.TASKFORCE, org_type="NGO", region=here
    )


def offer(agency, *, service_type=HOUSING, regions=(), **limits):
    service = ProviderService.objects.create(agency=agency, service_type=service_type, capacity=5, **limits)
    service.regions.set(regions)
    return service


def eligible(case, survivor, service_type=HOUSING):
    return {s.pk for s in eligible_services(survivor=survivor, case=case, service_type=service_type)}


def test_region_is_the_case_region_named_or_the_agency_own(here, there, lead):
    case, survivor = make_case(here, lead)
    local = offer(make_provider(here))
    remote = offer(make_provider(there))
    remote_serving_here = offer(make_provider(there), regions=[here, there])
    local_serving_elsewhere = offer(make_provider(here), regions=[there])
    assert eligible(case, survivor) == {local.pk, remote_serving_here.pk}
    assert remote.pk not in eligible(case, survivor) and local_serving_elsewhere.pk not in eligible(
        case, survivor
    )


def test_only_active_services_of_the_asked_type(here, lead):
    case, survivor = make_case(here, lead)
    agency = make_provider(here)
    housing = offer(agency)
    offer(agency, service_type="legal")
    offer(make_provider(here), active=False)
    assert eligible(case, survivor) == {housing.pk}


def test_age_limits_by_date_of_birth(here, lead):
    today = timezone.localdate()
    adult_case, adult = make_case(here, lead, birth_date=dt.date(today.year - 30, 1, 1))
    child_case, child = make_case(here, lead, birth_date=dt.date(today.year - 15, 1, 1))
    agency = make_provider(here)
    adults = offer(agency, min_age=18)
    youth = offer(agency, min_age=12, max_age=17)
    anyone = offer(agency)
    assert eligible(adult_case, adult) == {adults.pk, anyone.pk}
    assert eligible(child_case, child) == {youth.pk, anyone.pk}


def test_age_from_the_stated_age_and_the_years_since(here, lead):
    today = timezone.localdate()
    case, survivor = make_case(here, lead, birth_date=None)
    Exploitation.objects.create(
        case=case, survivor=survivor, stated_age=16, start_date=today - dt.timedelta(days=800)
    )
    assert survivor_age(survivor=survivor, case=case) == 18
    agency = make_provider(here)
    adults = offer(agency, min_age=18)
    offer(agency, max_age=17)
    assert eligible(case, survivor) == {adults.pk}


def test_an_unknown_age_is_offered_only_services_without_age_limits(here, lead):
    case, survivor = make_case(here, lead, birth_date=None)
    assert survivor_age(survivor=survivor, case=case) is None
    agency = make_provider(here)
    offer(agency, min_age=18)
    anyone = offer(agency)
    assert eligible(case, survivor) == {anyone.pk}


def test_language_primary_or_secondary_must_be_served(here, lead):
    agency = make_provider(here)
    spanish = offer(agency, languages=["es"])
    english = offer(agency, languages=["en", "pt"])
    any_language = offer(agency)
    case, only_english = make_case(here, lead, primary_language="en")
    assert eligible(case, only_english) == {english.pk, any_language.pk}
    case, also_spanish = make_case(here, lead, primary_language="ht", secondary_language="es")
    assert eligible(case, also_spanish) == {spanish.pk, any_language.pk}
    case, polish = make_case(here, lead, primary_language="pl")
    assert eligible(case, polish) == {any_language.pk}


def test_gender_limits(here, lead):
    agency = make_provider(here)
    women = offer(agency, genders=[Gender.FEMININE, Gender.TRANSGENDER_FEMININE])
    anyone = offer(agency)
    case, man = make_case(here, lead, gender=Gender.MASCULINE)
    assert eligible(case, man) == {anyone.pk}
    case, woman = make_case(here, lead, gender=Gender.TRANSGENDER_FEMININE)
    assert eligible(case, woman) == {women.pk, anyone.pk}


def test_why_a_need_cannot_be_met(here, lead):
    case, survivor = make_case(here, lead, primary_language="pl")
    assert (
        unmet_reason(survivor=survivor, case=case, service_type=HOUSING) == UnmetReason.NO_ELIGIBLE_PROVIDER
    )
    agency = make_provider(here)
    spanish = offer(agency, languages=["es"])
    assert unmet_reason(survivor=survivor, case=case, service_type=HOUSING) == UnmetReason.LANGUAGE_NOT_SERVED
    spanish.languages = ["es", "pl"]
    spanish.in_use = spanish.capacity
    spanish.save()
    assert unmet_reason(survivor=survivor, case=case, service_type=HOUSING) == UnmetReason.NO_CAPACITY
    spanish.in_use = 0
    spanish.save()
    assert unmet_reason(survivor=survivor, case=case, service_type=HOUSING) is None


def test_the_directory_takes_only_providers_and_sensible_limits(here, lead):
    from django.core.exceptions import ValidationError

    service = ProviderService(agency=lead, service_type=HOUSING, min_age=18, max_age=12, genders=["Woman"])
    service.languages = ["English"]
    with pytest.raises(ValidationError) as raised:
        service.full_clean()
    assert {"agency", "max_age", "genders", "languages"} <= set(raised.value.message_dict)
    ProviderService(agency=make_provider(here), service_type=HOUSING, languages=["es"]).full_clean()
