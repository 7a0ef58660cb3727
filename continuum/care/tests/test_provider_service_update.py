"""The directory's write: one audit row of field names per change, the version moved on by every
change of the row (referrals taking and freeing places included), stale and bad changes refused
whole."""

import pytest
from django.core.exceptions import ValidationError

from continuum.audit.models import AuditEvent
from continuum.care import actions
from continuum.care.models import ProviderService
from continuum.core.locking import StaleEdit
from continuum.org.models import Region

pytestmark = pytest.mark.django_db


def _version(service):
    return ProviderService.objects.get(pk=service.pk).version


def test_a_change_writes_one_audit_row_of_field_names_and_moves_the_version_on(provider_user, shelter):
    before = AuditEvent.objects.count()
    updated = actions.provider_service_update(
        actor=provider_user,
        service=shelter,
        expected_version=1,
        changes={"capacity": 3, "languages": ["en", "es"], "contact_email": "canary@example.invalid"},
    )
    assert updated.version == 2 and updated.languages == ["en", "es"]
    assert AuditEvent.objects.count() == before + 1
    row = AuditEvent.objects.order_by("-id").first()
    assert row.fields == ["capacity", "contact_email", "languages"]
    assert "canary" not in str(row.detail)


def test_nothing_that_changes_writes_nothing(provider_user, shelter):
    before = AuditEvent.objects.count()
    actions.provider_service_update(
        actor=provider_user, service=shelter, expected_version=1, changes={"capacity": 2}
    )
    assert _version(shelter) == 1 and AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "changes", [{"service_type": "medical"}, {"name": "Renamed"}, {"agency": 1}, {"version": 9}]
)
def test_a_provider_cannot_change_what_the_service_is(provider_user, shelter, changes):
    with pytest.raises(ValidationError):
        actions.provider_service_update(
            actor=provider_user, service=shelter, expected_version=1, changes=changes
        )
    assert _version(shelter) == 1


def test_a_stale_change_names_what_changed_and_saves_nothing(coordinator, provider_user, shelter):
    seen = actions.service_values(shelter)
    actions.provider_service_update(
        actor=coordinator, service=shelter, expected_version=1, changes={"waitlist": 4}
    )
    with pytest.raises(StaleEdit) as stale:
        actions.provider_service_update(
            actor=provider_user, service=shelter, expected_version=1, changes={"capacity": 9}, seen=seen
        )
    assert stale.value.changed == {"waitlist": (0, 4)}
    stored = ProviderService.objects.get(pk=shelter.pk)
    assert (stored.capacity, stored.waitlist, stored.version) == (2, 4, 2)


def test_a_bad_change_is_refused_whole_regions_included(provider_user, shelter):
    eastern = Region.objects.get(code="eastern")
    with pytest.raises(ValidationError) as refused:
        actions.provider_service_update(
            actor=provider_user,
            service=shelter,
            expected_version=1,
            changes={"regions": [eastern], "capacity": 8, "genders": ["Robot"]},
        )
    assert "genders" in refused.value.message_dict
    stored = ProviderService.objects.get(pk=shelter.pk)
    assert (stored.capacity, stored.version, list(stored.regions.all())) == (2, 1, [])


def test_referrals_taking_and_freeing_places_move_the_version_on(
    advocate, provider_user, case, survivor, shelter, consent
):
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    assert _version(shelter) == 1  # sending takes no place
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="waitlist", expected_version=referral.version
    )
    assert _version(shelter) == 2
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    assert _version(shelter) == 3
    actions.service_referral_close(
        actor=provider_user,
        referral=referral,
        outcome="ended",
        reason="moved_away",
        expected_version=referral.version,
    )
    stored = ProviderService.objects.get(pk=shelter.pk)
    assert (stored.version, stored.in_use, stored.waitlist) == (4, 1, 0)
