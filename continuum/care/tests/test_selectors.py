"""The figures oversight reuses, from known data: unmet needs by type and region, acceptance rates
by provider, and a provider's own referrals, each in one query."""

import pytest

from continuum.care import actions
from continuum.care.models import ProviderService
from continuum.care.selectors import (
    acceptance_rates_by_provider,
    referrals_for_provider,
    unmet_needs_by_type_and_region,
)
from continuum.care.tests.conftest import join_team, make_case, make_consent, make_provider, provider_staff
from continuum.org.models import Agency, AgencyKind, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def here(db):
    return Region.objects.create(code="care-sel-here", name="Care Selector Here")


@pytest.fixture
def there(db):
    return Region.objects.create(code="care-sel-there", name="Care Selector There")


@pytest.fixture
def lead(here):
    return Agency.objects.create(
        name="Care Selector Taskforce", kind=AgencyKind.TASKFORCE, org_type="NGO", region=here
    )


def referral_to(service, case, survivor, actor, *answers):
    """A referral sent to the service, then taken through the given answers and steps (by the
    service agency's own staff)."""
    provider_user = provider_staff(service.agency)
    referral = actions.service_referral_propose(actor=actor, case=case, survivor=survivor, service=service)
    if not answers:
        return referral
    referral = actions.service_referral_send(
        actor=actor, referral=referral, expected_version=referral.version
    )
    for step in answers[1:]:
        if step in {"accept", "waitlist"}:
            referral = actions.service_referral_answer(
                actor=provider_user, referral=referral, answer=step, expected_version=referral.version
            )
        elif step == "decline":
            referral = actions.service_referral_answer(
                actor=provider_user,
                referral=referral,
                answer="decline",
                reason="no_capacity",
                expected_version=referral.version,
            )
        elif step == "start":
            referral = actions.service_referral_start(
                actor=provider_user, referral=referral, expected_version=referral.version
            )
        elif step == "complete":
            referral = actions.service_referral_close(
                actor=provider_user, referral=referral, outcome="completed", expected_version=referral.version
            )
    return referral


@pytest.fixture
def providers(here, lead, advocate):
    case, survivor = make_case(here, lead)
    join_team(case, advocate)
    first, second, silent = (make_provider(here) for _ in range(3))
    services = {}
    for agency in (first, second, silent):
        make_consent(case, survivor, agency, advocate)
        services[agency] = ProviderService.objects.create(agency=agency, service_type="legal", capacity=10)
    go = (case, survivor, advocate)
    referral_to(services[first], *go, "send", "accept")
    referral_to(services[first], *go, "send", "accept", "start", "complete")
    referral_to(services[first], *go, "send", "decline")
    referral_to(services[first], *go, "send", "waitlist")
    referral_to(services[first], *go)  # proposed only: never reached the provider
    referral_to(services[second], *go, "send", "accept")
    referral_to(services[second], *go, "send", "decline")
    referral_to(services[second], *go, "send", "waitlist", "accept")
    return first, second, silent


def test_acceptance_rates_by_provider_in_one_query(providers, django_assert_num_queries):
    first, second, silent = providers
    with django_assert_num_queries(1):
        rows = acceptance_rates_by_provider()
    mine = {row["agency"]: row for row in rows if row["agency_id"] in {a.pk for a in providers}}
    assert mine[first.name] == {
        "agency_id": first.pk,
        "agency": first.name,
        "sent": 4,
        "accepted": 2,
        "declined": 1,
        "waitlisted": 1,
        "rate": 0.5,
    }
    assert {k: mine[second.name][k] for k in ("sent", "accepted", "declined", "waitlisted", "rate")} == {
        "sent": 3,
        "accepted": 2,
        "declined": 1,
        "waitlisted": 0,
        "rate": 0.667,
    }
    assert mine[silent.name]["sent"] == 0 and mine[silent.name]["rate"] is None
    # Every provider agency is listed, those the directory does not name yet too.
    assert "Safe Harbor Housing (Greater Hartford)" in {row["agency"] for row in rows}


def test_a_provider_sees_only_the_referrals_sent_to_it(providers, django_assert_num_queries):
    first, second, _ = providers
    with django_assert_num_queries(1):
        referrals = list(referrals_for_provider(first))
        assert {r.service.agency_id for r in referrals} == {first.pk}
        assert {r.case_id for r in referrals} == {r.case.pk for r in referrals}
    assert len(referrals) == 4
    assert all(r.sent_at is not None for r in referrals)
    assert len(referrals_for_provider(second)) == 3


def test_unmet_needs_by_type_and_region(here, there, lead, advocate, django_assert_num_queries):
    def need(region, service_type):
        case, survivor = make_case(region, lead)
        join_team(case, advocate)
        return actions.unmet_need_record(
            actor=advocate, case=case, survivor=survivor, service_type=service_type, reason="no_capacity"
        )

    need(here, "emergency_housing")
    need(here, "emergency_housing")
    need(here, "legal")
    need(there, "emergency_housing")
    met = need(here, "emergency_housing")
    service = ProviderService.objects.create(
        agency=make_provider(here), service_type="emergency_housing", capacity=1
    )
    make_consent(met.case, met.survivor, service.agency, advocate)
    referral = referral_to(service, met.case, met.survivor, advocate, "send", "accept")
    actions.unmet_need_meet(actor=advocate, need=met, referral=referral, expected_version=met.version)

    ours = {here.pk, there.pk}
    with django_assert_num_queries(1):
        rows = [row for row in unmet_needs_by_type_and_region() if row["region_id"] in ours]
    assert [(r["service_type"], r["region"], r["count"]) for r in rows] == [
        ("emergency_housing", "Care Selector Here", 2),
        ("emergency_housing", "Care Selector There", 1),
        ("legal", "Care Selector Here", 1),
    ]
    assert rows[0]["service_type_label"] == "Emergency housing"
    everything = [row for row in unmet_needs_by_type_and_region(open_only=False) if row["region_id"] in ours]
    assert [(r["service_type"], r["region"], r["count"]) for r in everything] == [
        ("emergency_housing", "Care Selector Here", 3),
        ("emergency_housing", "Care Selector There", 1),
        ("legal", "Care Selector Here", 1),
    ]
