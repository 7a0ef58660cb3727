"""A referral is accepted once only, even by two people at the same moment (SECURITY.md 19), and
a service's last place goes to one referral only. Real row locks need PostgreSQL."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from continuum.care import actions
from continuum.care.models import ProviderService, ReferralStatus, ServiceReferral
from continuum.care.tests.conftest import make_case, make_consent, make_staff, provider_staff
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency, AgencyKind, Region

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def little_world(capacity):
    """Everything the race needs, made here: a transactional test cannot count on the session world."""
    tag = uuid.uuid4().hex[:8]
    region = Region.objects.create(code=f"race-{tag}", name=f"Race region {tag}")
    lead = Agency.objects.create(
        name=f"Race taskforce {tag}", kind=AgencyKind.TASKFORCE, org_type="NGO", region=region
    )
    provider = Agency.objects.create(
        name=f"Race shelter {tag}", kind=AgencyKind.SERVICE_PROVIDER, org_type="NGO", region=region
    )
    staff = make_staff(f"race-{tag}", lead, "coordinator")  # the region's coordinator refers
    service = ProviderService.objects.create(
        agency=provider, service_type="emergency_housing", capacity=capacity, in_use=0
    )
    return lead, region, service, staff


def sent_referral(region, lead, service, staff):
    case, survivor = make_case(region, lead)
    make_consent(case, survivor, service.agency, staff)
    referral = actions.service_referral_propose(actor=staff, case=case, survivor=survivor, service=service)
    return actions.service_referral_send(actor=staff, referral=referral, expected_version=referral.version)


def race(referrals, staff):
    """Each referral accepted by its own thread, all released at once; the outcomes in order."""
    barrier = threading.Barrier(len(referrals))
    outcomes = [None] * len(referrals)

    def accept(i):
        try:
            barrier.wait(timeout=10)
            actions.service_referral_answer(
                actor=staff, referral=referrals[i], answer="accept", expected_version=referrals[i].version
            )
            outcomes[i] = "accepted"
        except ValidationError as error:
            outcomes[i] = error.code or "refused"
        except Exception as error:  # anything else fails the test below, with its name
            outcomes[i] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(referrals))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_simultaneous_accepts_give_one_success_and_one_refusal():
    lead, region, service, staff = little_world(capacity=5)
    referral = sent_referral(region, lead, service, staff)
    started = timezone.now()
    outcomes = race([referral, referral], provider_staff(service.agency))
    # Both answer from the version they read: the second finds it moved on, a stale edit.
    assert sorted(outcomes) == ["accepted", "stale"]
    assert ProviderService.objects.get(pk=service.pk).in_use == 1
    stored = ServiceReferral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.ACCEPTED and stored.version == referral.version + 1
    assert (
        JourneyEvent.objects.filter(
            kind=EventKind.SERVICE_REFERRAL_ACCEPTED, case_id=referral.case_id, occurred_at__gte=started
        ).count()
        == 1
    )


def test_the_last_place_goes_to_one_of_two_referrals_accepted_at_once():
    lead, region, service, staff = little_world(capacity=1)
    referrals = [sent_referral(region, lead, service, staff) for _ in range(2)]
    outcomes = race(referrals, provider_staff(service.agency))
    assert sorted(outcomes) == ["accepted", "full"]
    assert ProviderService.objects.get(pk=service.pk).in_use == 1
    statuses = sorted(ServiceReferral.objects.filter(service=service).values_list("status", flat=True))
    assert statuses == [ReferralStatus.ACCEPTED, ReferralStatus.SENT]
