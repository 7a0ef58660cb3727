"""The reminder job acts as the named system actor "care.reminders", not as nobody: its audit rows
and journey events name it, the sealed chain still verifies, and a system actor that policy.yaml
does not let `service_referral.remind` is refused (policy.Denied, a 404) with nothing written but
the refusal's own audit row."""

import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import call_command

from continuum.access import policy, system
from continuum.audit import sequencer
from continuum.audit.models import AuditEvent
from continuum.care import actions, tasks
from continuum.care.models import WAIT_LIMITS, ReferralReminder
from continuum.care.tests.conftest import make_staff
from continuum.journeys.models import EventKind, JourneyEvent

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def overdue(monkeypatch, advocate, case, survivor, shelter, consent):
    """One sent referral, and the clock past its wait limit."""
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    monkeypatch.setattr(policy, "clock", lambda: referral.sent_at + WAIT_LIMITS["sent"] + MINUTE)
    return referral


def _written():
    """What a reminder writes: reminders, audit rows that are not refusals, journey events."""
    allowed = AuditEvent.objects.exclude(outcome="denied")
    return ReferralReminder.objects.count(), allowed.count(), JourneyEvent.objects.count()


def _refusals(operation=actions.REMIND):
    return AuditEvent.objects.filter(action="deny", outcome="denied", detail__attempted=operation).count()


def _policy_where_care_reminders_may(monkeypatch, *operations):
    """The real policy, with the `system` section changed in memory."""
    changed = dataclasses.replace(policy.policy(), system={"care.reminders": frozenset(operations)})
    monkeypatch.setattr(policy, "policy", lambda: changed)


def test_the_jobs_reminders_are_audited_and_journeyed_under_care_reminders(overdue):
    assert tasks.care_reminders.call() >= 1  # this referral, and any overdue in the seeded world

    reminder = ReferralReminder.objects.get(referral=overdue)
    row = AuditEvent.objects.get(object_type="care.ReferralReminder", object_id=str(reminder.pk))
    assert (row.actor_id, row.agency_id, row.role) == (None, None, "system")
    assert row.detail == {"referral": str(overdue.pk), "stage": "sent", "system_actor": "care.reminders"}
    event = JourneyEvent.objects.get(case=overdue.case, kind=EventKind.SERVICE_REFERRAL_OVERDUE)
    assert (event.actor_id, event.agency_id) == (None, None)
    assert event.data["system_actor"] == "care.reminders"


def test_the_command_acts_as_care_reminders_too(overdue):
    call_command("care_reminders", stdout=io.StringIO())
    reminder = ReferralReminder.objects.get(referral=overdue)
    row = AuditEvent.objects.get(object_type="care.ReferralReminder", object_id=str(reminder.pk))
    assert (row.role, row.detail["system_actor"]) == ("system", "care.reminders")


def test_the_system_actors_rows_are_sealed_with_its_name_and_the_chain_verifies(overdue, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"  # this test's checkpoints only
    tasks.care_reminders.call()
    sequencer.seal_and_checkpoint()
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("audit chain intact")


def test_a_system_actor_the_policy_does_not_name_for_remind_is_refused_with_nothing_written(
    monkeypatch, overdue
):
    _policy_where_care_reminders_may(monkeypatch)  # care.reminders, with no operation
    before, refused = _written(), _refusals()
    with pytest.raises(policy.Denied):
        tasks.care_reminders.call()
    with pytest.raises(policy.Denied):
        actions.referral_reminder_record(
            actor=system.actor("care.reminders"), referral=overdue, now=policy.clock()
        )
    assert _written() == before
    assert _refusals() == refused + 2


def test_a_system_actor_no_app_registered_is_refused_even_under_a_registered_name_s_rules(
    monkeypatch, overdue
):
    _policy_where_care_reminders_may(monkeypatch, actions.REMIND)
    stranger = system.SystemActor("test.stranger")
    before = _written()
    with pytest.raises(policy.Denied):
        actions.referral_reminders_record(actor=stranger, now=policy.clock())
    assert _written() == before


def test_a_user_who_may_not_work_on_the_cases_services_is_refused_with_nothing_written(persona, overdue):
    before = _written()
    with pytest.raises(policy.Denied):
        actions.referral_reminder_record(actor=persona("detective"), referral=overdue, now=policy.clock())
    with pytest.raises(policy.Denied):
        actions.referral_reminders_record(actor=persona("detective"), now=policy.clock())
    assert _written() == before


def test_an_advocate_not_on_the_cases_team_is_refused_and_the_regions_coordinator_may_remind(
    advocate, coordinator, western_coordinator, overdue
):
    colleague = make_staff("advocate_off_team", advocate.membership.agency, "advocate")
    before = _written()
    with pytest.raises(policy.Denied):
        actions.referral_reminder_record(actor=colleague, referral=overdue, now=policy.clock())
    assert _written() == before
    # Another region's coordinator reminds only of their own region's referrals.
    actions.referral_reminders_record(actor=western_coordinator, now=policy.clock())
    assert not ReferralReminder.objects.filter(referral=overdue).exists()

    reminder = actions.referral_reminder_record(actor=coordinator, referral=overdue, now=policy.clock())
    assert reminder is not None
    row = AuditEvent.objects.get(object_type="care.ReferralReminder", object_id=str(reminder.pk))
    assert (row.actor_id, row.role) == (coordinator.pk, "coordinator")
    assert "system_actor" not in row.detail
