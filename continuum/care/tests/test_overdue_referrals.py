"""The overdue-referrals selector (reused by the oversight dashboard): with known data, exactly
the referrals past their stage's limit, filtered by region or provider, in one query."""

import datetime as dt

import pytest
from django.utils import timezone

from continuum.care import actions
from continuum.care.models import ProviderService, ServiceReferral
from continuum.care.selectors import overdue_referrals
from continuum.care.tests.conftest import make_provider, make_sent_referral, provider_staff
from continuum.core.codes import ServiceType
from continuum.org.models import Region

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def known(advocate, hartford):
    """Six referrals to a new provider of Greater Hartford, their waits set to known ages."""
    agency = make_provider(hartford)
    provider_user = provider_staff(agency)  # the provider's own staff answer its referrals
    service = ProviderService.objects.create(agency=agency, service_type=ServiceType.MEDICAL, capacity=10)
    now = timezone.now()
    made = {}
    for name in (
        "sent_4_days",
        "sent_1_day",
        "waitlisted_15_days",
        "accepted_10_days",
        "accepted_6_days",
        "declined",
    ):
        referral = make_sent_referral(advocate, service)
        if name.startswith("waitlisted"):
            actions.service_referral_answer(
                actor=provider_user, referral=referral, answer="waitlist", expected_version=referral.version
            )
        elif name.startswith("accepted"):
            actions.service_referral_answer(
                actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
            )
        elif name == "declined":
            actions.service_referral_answer(
                actor=provider_user,
                referral=referral,
                answer="decline",
                reason="not_eligible",
                expected_version=referral.version,
            )
        made[name] = referral.pk
    ages = {
        "sent_4_days": 4,
        "sent_1_day": 1,
        "waitlisted_15_days": 15,
        "accepted_10_days": 10,
        "accepted_6_days": 6,
    }
    for name, days in ages.items():
        moment = now - days * DAY
        ServiceReferral.objects.filter(pk=made[name]).update(
            sent_at=moment, answered_at=moment, accepted_at=moment
        )
    ServiceReferral.objects.filter(pk=made["declined"]).update(
        sent_at=now - 30 * DAY, answered_at=now - 29 * DAY
    )
    return agency, now, made


def test_exactly_the_referrals_past_their_limit_in_one_query(known, django_assert_num_queries):
    agency, now, made = known
    with django_assert_num_queries(1):
        rows = list(overdue_referrals(now=now, provider=agency))
        details = [(r.service.agency.name, r.case.region.code, r.due_at) for r in rows]
    # The longest overdue first: accepted 10 days ago (due 3 days ago), sent 4 days ago (due 2
    # days ago), waitlisted 15 days ago (due yesterday).
    assert [r.pk for r in rows] == [made["accepted_10_days"], made["sent_4_days"], made["waitlisted_15_days"]]
    assert [d[2] for d in details] == [now - 3 * DAY, now - 2 * DAY, now - DAY]
    assert {d[1] for d in details} == {"greater-hartford"}


def test_the_region_filter_takes_the_cases_region(known):
    _agency, now, made = known
    in_region = {r.pk for r in overdue_referrals(now=now, region=Region.objects.get(code="greater-hartford"))}
    elsewhere = {r.pk for r in overdue_referrals(now=now, region=Region.objects.get(code="eastern").pk)}
    overdue = {made["sent_4_days"], made["waitlisted_15_days"], made["accepted_10_days"]}
    assert overdue <= in_region and not overdue & elsewhere


def test_later_the_younger_waits_are_overdue_too(known):
    agency, now, made = known
    later = {r.pk for r in overdue_referrals(now=now + 2 * DAY, provider=agency.pk)}
    assert later == {
        made["sent_4_days"],
        made["sent_1_day"],
        made["waitlisted_15_days"],
        made["accepted_10_days"],
        made["accepted_6_days"],
    }
