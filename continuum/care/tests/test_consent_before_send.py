"""Consent is checked before a referral is sent: only a consent in force for the provider's agency,
in this case, from this survivor lets it go."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from continuum.care import actions
from continuum.care.models import ReferralStatus, ServiceReferral
from continuum.care.tests.conftest import make_case, make_consent
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Agency

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def proposed(case, survivor, shelter, advocate):
    return actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)


def refused(referral, advocate):
    with pytest.raises(ValidationError) as raised:
        actions.service_referral_send(actor=advocate, referral=referral, expected_version=referral.version)
    stored = ServiceReferral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.PROPOSED and stored.sent_at is None and stored.version == 1
    assert not JourneyEvent.objects.filter(
        case=referral.case, kind=EventKind.SERVICE_REFERRAL_SENT, data__referral=str(referral.pk)
    ).exists()
    assert raised.value.code == "no_consent"
    return " ".join(raised.value.messages)


def test_without_any_consent_the_referral_is_not_sent(proposed, advocate):
    message = refused(proposed, advocate)
    assert "has not consented to sharing this case with Safe Harbor Housing (Greater Hartford)" in message


def test_an_expired_consent_is_not_enough(proposed, case, survivor, shelter, advocate):
    make_consent(case, survivor, shelter.agency, advocate, granted=-100 * DAY, expires=-DAY)
    assert "expired on" in refused(proposed, advocate)


def test_a_revoked_consent_is_not_enough(proposed, case, survivor, shelter, advocate):
    make_consent(case, survivor, shelter.agency, advocate, revoked=-dt.timedelta(hours=1))
    assert "revoked" in refused(proposed, advocate)


def test_a_consent_not_yet_in_force_is_not_enough(proposed, case, survivor, shelter, advocate):
    make_consent(case, survivor, shelter.agency, advocate, granted=DAY, expires=30 * DAY)
    assert "takes effect only on" in refused(proposed, advocate)


def test_a_consent_for_another_agency_or_another_case_is_not_enough(
    proposed, case, survivor, shelter, hartford, advocate
):
    other_agency = Agency.objects.get(name="Hartford Police Department")
    make_consent(case, survivor, other_agency, advocate)
    other_case, _ = make_case(hartford, case.lead_agency)
    make_consent(other_case, survivor, shelter.agency, advocate)
    refused(proposed, advocate)


def test_a_consent_in_force_lets_the_referral_go(proposed, case, survivor, shelter, advocate):
    make_consent(case, survivor, shelter.agency, advocate, granted=-100 * DAY, expires=-DAY)
    make_consent(case, survivor, shelter.agency, advocate)
    referral = actions.service_referral_send(
        actor=advocate, referral=proposed, expected_version=proposed.version
    )
    assert referral.status == ReferralStatus.SENT
    event = JourneyEvent.objects.get(case=case, kind=EventKind.SERVICE_REFERRAL_SENT)
    assert event.person_id == survivor.pk
    assert event.data == {
        "referral": str(referral.pk),
        "service_type": "emergency_housing",
        "agency": shelter.agency_id,
    }


def test_a_revocation_stops_the_very_next_send(case, survivor, shelter, advocate):
    consent = make_consent(case, survivor, shelter.agency, advocate)
    first = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    actions.service_referral_send(actor=advocate, referral=first, expected_version=first.version)
    consent.revoked_at = consent.granted_at + DAY
    consent.save()
    second = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    assert "revoked" in refused(second, advocate)
