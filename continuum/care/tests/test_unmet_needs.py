"""An unmet need is recorded with its type, region and reason, and stays open until a referral meets it."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from continuum.audit.models import AuditEvent
from continuum.care import actions
from continuum.care.models import UnmetNeed
from continuum.core.locking import StaleEdit
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Region

pytestmark = pytest.mark.django_db


def test_a_need_is_recorded_in_the_case_region_and_later_met(
    case, survivor, shelter, consent, advocate, provider_user
):
    audit_rows = AuditEvent.objects.count()
    need = actions.unmet_need_record(
        actor=advocate, case=case, survivor=survivor, service_type="emergency_housing", reason="no_capacity"
    )
    assert AuditEvent.objects.count() == audit_rows + 1
    assert need.region_id == case.region_id and need.met_at is None
    event = JourneyEvent.objects.get(case=case, kind=EventKind.UNMET_NEED_RECORDED)
    assert event.data["service_type"] == "emergency_housing" and event.data["reason"] == "no_capacity"

    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    with pytest.raises(ValidationError):  # sent is not yet taken
        actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)
    assert UnmetNeed.objects.get(pk=need.pk).met_at is None

    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    met = actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)
    assert met.met_at is not None and met.met_by_referral_id == referral.pk
    with pytest.raises(ValidationError):
        actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)


def test_the_same_need_is_open_once_and_can_be_recorded_again_once_met(
    case, survivor, shelter, consent, advocate, provider_user
):
    need = actions.unmet_need_record(
        actor=advocate, case=case, survivor=survivor, service_type="emergency_housing", reason="other"
    )
    with pytest.raises(ValidationError):
        actions.unmet_need_record(
            actor=advocate, case=case, survivor=survivor, service_type="emergency_housing", reason="other"
        )
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)
    again = actions.unmet_need_record(
        actor=advocate, case=case, survivor=survivor, service_type="emergency_housing", reason="other"
    )
    assert again.pk != need.pk


def test_a_referral_for_another_type_does_not_meet_the_need(
    case, survivor, shelter, consent, advocate, provider_user
):
    need = actions.unmet_need_record(
        actor=advocate, case=case, survivor=survivor, service_type="legal", reason="no_eligible_provider"
    )
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    with pytest.raises(ValidationError):
        actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)
    assert UnmetNeed.objects.get(pk=need.pk).met_at is None


def test_a_need_can_be_placed_in_another_region(case, survivor, advocate):
    western = Region.objects.get(code="western")
    need = actions.unmet_need_record(
        actor=advocate,
        case=case,
        survivor=survivor,
        service_type="immigration",
        reason="language_not_served",
        region=western,
    )
    assert need.region == western


@pytest.mark.parametrize(
    ("service_type", "reason"), [("spa_day", "no_capacity"), ("legal", "because"), ("", "")]
)
def test_unknown_types_and_reasons_are_refused(case, survivor, advocate, service_type, reason):
    with pytest.raises(ValidationError):
        actions.unmet_need_record(
            actor=advocate, case=case, survivor=survivor, service_type=service_type, reason=reason
        )
    assert not UnmetNeed.objects.filter(case=case).exists()


def test_meeting_a_need_from_a_version_someone_else_moved_on_is_refused(
    case, survivor, shelter, consent, advocate, provider_user
):
    need = actions.unmet_need_record(
        actor=advocate, case=case, survivor=survivor, service_type="emergency_housing", reason="no_capacity"
    )
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    UnmetNeed.objects.filter(pk=need.pk).update(version=F("version") + 1)  # someone else saved it
    with pytest.raises(StaleEdit):
        actions.unmet_need_meet(actor=advocate, need=need, referral=referral, expected_version=need.version)
    stored = UnmetNeed.objects.get(pk=need.pk)
    assert (stored.met_at, stored.met_by_referral, stored.version) == (None, None, need.version + 1)
