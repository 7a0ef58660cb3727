"""`continuum care_reminders`: a referral that waits too long (sent and not answered after 2 days,
waitlisted after 14, accepted and not started after 7) gets one reminder per stage, with a
journey event and an audit row; a second run creates nothing more; the reminder resolves itself
when the referral moves on; the case services page and the provider portal show it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from continuum.access import policy
from continuum.access.testing import sign_in
from continuum.audit.models import AuditEvent
from continuum.care import actions
from continuum.care.models import WAIT_LIMITS, ReferralReminder, ServiceReferral
from continuum.care.selectors import open_reminders
from continuum.journeys.models import EventKind, JourneyEvent

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def sent(advocate, case, survivor, shelter, consent):
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    return actions.service_referral_send(actor=advocate, referral=referral, expected_version=referral.version)


def _at_stage(stage, referral, provider_user):
    """The referral brought to `stage` with the real actions, and the moment its wait began."""
    if stage == "sent":
        return referral, referral.sent_at
    answer = {"waitlisted": "waitlist", "accepted": "accept"}[stage]
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer=answer, expected_version=referral.version
    )
    return referral, (referral.answered_at if stage == "waitlisted" else referral.accepted_at)


def _run(monkeypatch, moment):
    monkeypatch.setattr(policy, "clock", lambda: moment)
    out = io.StringIO()
    call_command("care_reminders", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("stage", ["sent", "waitlisted", "accepted"])
def test_past_each_threshold_one_reminder_is_recorded_once(monkeypatch, sent, provider_user, stage):
    referral, since = _at_stage(stage, sent, provider_user)
    limit = WAIT_LIMITS[stage]
    _run(monkeypatch, since + limit - MINUTE)
    assert not ReferralReminder.objects.filter(referral=referral).exists()

    output = _run(monkeypatch, since + limit + MINUTE)
    assert "reminder(s) recorded" in output
    reminder = ReferralReminder.objects.get(referral=referral)
    assert (reminder.stage, reminder.due_at) == (stage, since + limit)
    event = JourneyEvent.objects.get(case=referral.case, kind=EventKind.SERVICE_REFERRAL_OVERDUE)
    assert event.data == {"referral": str(referral.pk), "stage": stage, "system_actor": "care.reminders"}
    assert event.person_id == referral.survivor_id
    row = AuditEvent.objects.get(object_type="care.ReferralReminder", object_id=str(reminder.pk))
    assert (row.action, row.case_id, row.role, row.detail) == (
        "create",
        referral.case_id,
        "system",
        {"referral": str(referral.pk), "stage": stage, "system_actor": "care.reminders"},
    )

    everything = ReferralReminder.objects.count(), AuditEvent.objects.count(), JourneyEvent.objects.count()
    assert _run(monkeypatch, since + limit + MINUTE).startswith("0 reminder(s)")
    assert (
        ReferralReminder.objects.count(),
        AuditEvent.objects.count(),
        JourneyEvent.objects.count(),
    ) == everything


def test_answering_resolves_the_reminder_and_the_next_stage_gets_its_own(
    monkeypatch, sent, provider_user, case
):
    _run(monkeypatch, sent.sent_at + WAIT_LIMITS["sent"] + MINUTE)
    assert [r.stage for r in open_reminders(case=case)] == ["sent"]
    accepted = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="accept", expected_version=sent.version
    )
    assert list(open_reminders(case=case)) == []
    assert ReferralReminder.objects.filter(referral=sent).count() == 1  # kept, resolved
    _run(monkeypatch, accepted.accepted_at + WAIT_LIMITS["accepted"] + MINUTE)
    assert [r.stage for r in open_reminders(case=case)] == ["accepted"]
    actions.service_referral_start(actor=provider_user, referral=accepted, expected_version=accepted.version)
    assert list(open_reminders(case=case)) == []
    assert sorted(ReferralReminder.objects.filter(referral=sent).values_list("stage", flat=True)) == [
        "accepted",
        "sent",
    ]


def test_the_case_services_page_and_the_provider_portal_show_it(
    client, monkeypatch, sent, coordinator, provider_user, case
):
    later = sent.sent_at + WAIT_LIMITS["sent"] + MINUTE
    _run(monkeypatch, later)
    sign_in(client, coordinator)
    html = client.get(reverse("care:case_services", args=[case.pk])).content.decode()
    assert 'data-overdue="1"' in html and f'data-reminder="{sent.pk}"' in html
    client.logout()
    sign_in(client, provider_user)
    portal = client.get(reverse("care:provider_referrals"))
    row = next(row for row in portal.context["rows"] if row["referral"].id == sent.pk)
    assert row["overdue_since"] == sent.sent_at + WAIT_LIMITS["sent"]
    assert f'data-reminder="{sent.pk}"' in portal.content.decode()
    page = client.get(reverse("care:provider_referral", args=[sent.pk]))
    assert 'data-testid="overdue"' in page.content.decode()


def test_the_mark_shows_before_the_command_runs_and_goes_when_the_referral_moves_on(
    client, monkeypatch, sent, coordinator, provider_user, case
):
    monkeypatch.setattr(policy, "clock", lambda: sent.sent_at + WAIT_LIMITS["sent"] + MINUTE)
    sign_in(client, coordinator)
    url = reverse("care:case_services", args=[case.pk])
    assert 'data-overdue="1"' in client.get(url).content.decode()
    actions.service_referral_answer(
        actor=provider_user,
        referral=sent,
        answer="decline",
        reason="no_capacity",
        expected_version=sent.version,
    )
    assert ServiceReferral.objects.get(pk=sent.pk).status == "declined"
    assert 'data-overdue="1"' not in client.get(url).content.decode()
