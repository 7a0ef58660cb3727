"""The referral's state machine: every legal edge, and illegal ones refused without a trace."""

import pytest
from django.core.exceptions import ValidationError

from continuum.audit.models import AuditEvent
from continuum.care import actions
from continuum.care.models import ProviderService, ReferralStatus, ServiceReferral
from continuum.journeys.models import EventKind, JourneyEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(case, survivor, shelter, advocate):
    return actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)


@pytest.fixture
def sent(proposed, consent, advocate):
    return actions.service_referral_send(actor=advocate, referral=proposed, expected_version=proposed.version)


def kinds(case):
    return list(JourneyEvent.objects.filter(case=case).values_list("kind", flat=True))


def places(service):
    service = ProviderService.objects.get(pk=service.pk)
    return service.in_use, service.waitlist


def test_the_whole_loop_proposed_sent_accepted_started_completed(
    proposed, consent, case, shelter, advocate, provider_user
):
    assert proposed.status == ReferralStatus.PROPOSED
    referral = actions.service_referral_send(
        actor=advocate, referral=proposed, expected_version=proposed.version
    )
    assert referral.status == ReferralStatus.SENT and referral.sent_at is not None
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.answered_by == provider_user and referral.accepted_at is not None
    assert places(shelter) == (2, 0)
    referral = actions.service_referral_start(
        actor=provider_user, referral=referral, expected_version=referral.version
    )
    assert referral.status == ReferralStatus.STARTED and referral.started_at is not None
    assert places(shelter) == (2, 0)
    referral = actions.service_referral_close(
        actor=provider_user, referral=referral, outcome="completed", expected_version=referral.version
    )
    assert referral.status == ReferralStatus.COMPLETED and referral.closed_at is not None
    assert places(shelter) == (1, 0)
    assert ServiceReferral.objects.get(pk=referral.pk).version == 5
    assert kinds(case) == [
        EventKind.SERVICE_REFERRAL_SENT,
        EventKind.SERVICE_REFERRAL_ACCEPTED,
        EventKind.SERVICE_STARTED,
        EventKind.SERVICE_COMPLETED,
    ]


def test_each_step_writes_exactly_one_audit_row_of_codes(
    case, survivor, shelter, consent, advocate, provider_user
):
    before = AuditEvent.objects.count()
    referral = actions.service_referral_propose(actor=advocate, case=case, survivor=survivor, service=shelter)
    assert AuditEvent.objects.count() == before + 1
    referral = actions.service_referral_send(
        actor=advocate, referral=referral, expected_version=referral.version
    )
    assert AuditEvent.objects.count() == before + 2
    referral = actions.service_referral_answer(
        actor=provider_user,
        referral=referral,
        answer="decline",
        reason="safety_concern",
        expected_version=referral.version,
    )
    assert AuditEvent.objects.count() == before + 3
    last = AuditEvent.objects.order_by("-id").first()
    assert last.action == "update" and last.case_id == case.pk
    assert last.detail == {"from": "sent", "to": "declined", "reason": "safety_concern"}


def test_a_declined_referral_keeps_its_reason_and_frees_nothing(sent, case, shelter, provider_user):
    referral = actions.service_referral_answer(
        actor=provider_user,
        referral=sent,
        answer="decline",
        reason="not_eligible",
        expected_version=sent.version,
    )
    assert referral.status == ReferralStatus.DECLINED and referral.reason == "not_eligible"
    assert referral.accepted_at is None
    assert places(shelter) == (1, 0)
    assert kinds(case)[-1] == EventKind.SERVICE_REFERRAL_DECLINED


def test_declining_needs_a_reason_from_the_list(sent, provider_user):
    for reason in ("", "she seemed unreliable"):
        with pytest.raises(ValidationError):
            actions.service_referral_answer(
                actor=provider_user,
                referral=sent,
                answer="decline",
                reason=reason,
                expected_version=sent.version,
            )
    assert ServiceReferral.objects.get(pk=sent.pk).status == ReferralStatus.SENT


def test_a_waitlisted_referral_can_be_accepted_later(sent, shelter, provider_user):
    referral = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="waitlist", expected_version=sent.version
    )
    assert referral.status == ReferralStatus.WAITLISTED
    assert places(shelter) == (1, 1)
    referral = actions.service_referral_answer(
        actor=provider_user, referral=referral, answer="accept", expected_version=referral.version
    )
    assert referral.status == ReferralStatus.ACCEPTED
    assert places(shelter) == (2, 0)


def test_a_waitlisted_referral_can_end_and_leaves_the_waitlist(sent, shelter, provider_user):
    referral = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="waitlist", expected_version=sent.version
    )
    referral = actions.service_referral_close(
        actor=provider_user,
        referral=referral,
        outcome="ended",
        reason="transferred",
        expected_version=referral.version,
    )
    assert referral.status == ReferralStatus.ENDED and referral.reason == "transferred"
    assert places(shelter) == (1, 0)
    assert kinds(referral.case)[-2:] == [EventKind.SERVICE_REFERRAL_WAITLISTED, EventKind.SERVICE_ENDED]


@pytest.mark.parametrize("start_first", [False, True])
def test_an_accepted_or_started_referral_can_end_with_a_reason_and_frees_its_place(
    sent, shelter, provider_user, start_first
):
    referral = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="accept", expected_version=sent.version
    )
    if start_first:
        referral = actions.service_referral_start(
            actor=provider_user, referral=referral, expected_version=referral.version
        )
    with pytest.raises(ValidationError):
        actions.service_referral_close(
            actor=provider_user, referral=referral, outcome="ended", expected_version=referral.version
        )
    referral = actions.service_referral_close(
        actor=provider_user,
        referral=referral,
        outcome="ended",
        reason="lost_contact",
        expected_version=referral.version,
    )
    assert referral.status == ReferralStatus.ENDED and referral.reason == "lost_contact"
    assert places(shelter) == (1, 0)


def _refused(call, referral, shelter):
    """The call, given the referral as it is now (its current version), raises ValidationError and
    changes nothing: status, version, places, audit."""
    before = ServiceReferral.objects.get(pk=referral.pk)
    audit_rows = AuditEvent.objects.count()
    journey = JourneyEvent.objects.count()
    held = places(shelter)
    with pytest.raises(ValidationError) as raised:
        call(ServiceReferral.objects.get(pk=referral.pk))
    after = ServiceReferral.objects.get(pk=referral.pk)
    assert (after.status, after.version, after.reason) == (before.status, before.version, before.reason)
    assert places(shelter) == held
    assert AuditEvent.objects.count() == audit_rows
    assert JourneyEvent.objects.count() == journey
    return raised.value


def test_a_proposed_referral_cannot_be_answered_started_or_closed(proposed, consent, shelter, provider_user):
    for call in (
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="waitlist", expected_version=r.version
        ),
        lambda r: actions.service_referral_start(actor=provider_user, referral=r, expected_version=r.version),
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="completed", expected_version=r.version
        ),
    ):
        error = _refused(call, proposed, shelter)
    assert "Proposed" in " ".join(error.messages)


def test_a_sent_referral_cannot_be_sent_again_nor_started(sent, shelter, advocate, provider_user):
    _refused(
        lambda r: actions.service_referral_send(actor=advocate, referral=r, expected_version=r.version),
        sent,
        shelter,
    )
    _refused(
        lambda r: actions.service_referral_start(actor=provider_user, referral=r, expected_version=r.version),
        sent,
        shelter,
    )


def test_a_referral_is_not_accepted_twice(sent, shelter, provider_user):
    actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="accept", expected_version=sent.version
    )
    error = _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
        sent,
        shelter,
    )
    assert "cannot become Accepted" in " ".join(error.messages)


def test_a_waitlisted_referral_cannot_be_declined_or_waitlisted_again(sent, shelter, provider_user):
    actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="waitlist", expected_version=sent.version
    )
    _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user,
            referral=r,
            answer="decline",
            reason="no_capacity",
            expected_version=r.version,
        ),
        sent,
        shelter,
    )
    _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="waitlist", expected_version=r.version
        ),
        sent,
        shelter,
    )


def test_only_a_started_service_completes_and_a_closed_one_stays_closed(sent, shelter, provider_user):
    accepted = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="accept", expected_version=sent.version
    )
    _refused(
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="completed", expected_version=r.version
        ),
        accepted,
        shelter,
    )
    started = actions.service_referral_start(
        actor=provider_user, referral=accepted, expected_version=accepted.version
    )
    done = actions.service_referral_close(
        actor=provider_user, referral=started, outcome="completed", expected_version=started.version
    )
    for call in (
        lambda r: actions.service_referral_start(actor=provider_user, referral=r, expected_version=r.version),
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="ended", reason="other", expected_version=r.version
        ),
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
    ):
        _refused(call, done, shelter)


def test_a_declined_referral_is_final(sent, shelter, provider_user):
    actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="decline", reason="other", expected_version=sent.version
    )
    for call in (
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
        lambda r: actions.service_referral_start(actor=provider_user, referral=r, expected_version=r.version),
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="ended", reason="other", expected_version=r.version
        ),
    ):
        _refused(call, sent, shelter)


def test_a_stale_version_is_refused(sent, shelter, provider_user):
    error = _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version - 1
        ),
        sent,
        shelter,
    )
    assert error.code == "stale"


def test_unknown_answers_and_outcomes_are_refused(sent, shelter, provider_user):
    _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="maybe", expected_version=r.version
        ),
        sent,
        shelter,
    )
    _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", reason="no_capacity", expected_version=r.version
        ),
        sent,
        shelter,
    )
    _refused(
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="finished", expected_version=r.version
        ),
        sent,
        shelter,
    )


def test_a_full_service_refuses_to_accept(sent, shelter, provider_user):
    ProviderService.objects.filter(pk=shelter.pk).update(in_use=2)
    error = _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
        sent,
        shelter,
    )
    assert error.code == "full"
    waitlisted = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="waitlist", expected_version=sent.version
    )
    assert waitlisted.status == ReferralStatus.WAITLISTED
    _refused(
        lambda r: actions.service_referral_answer(
            actor=provider_user, referral=r, answer="accept", expected_version=r.version
        ),
        waitlisted,
        shelter,
    )


def test_only_a_survivor_of_the_case_can_be_referred(case, shelter, advocate):
    from continuum.people.models import Person

    stranger = Person.objects.create()
    with pytest.raises(ValidationError):
        actions.service_referral_propose(actor=advocate, case=case, survivor=stranger, service=shelter)
    assert not ServiceReferral.objects.filter(case=case).exists()


def test_every_step_from_a_version_someone_else_moved_on_is_refused(
    proposed, consent, shelter, advocate, provider_user
):
    def stale(r):
        return r.version - 1

    error = _refused(
        lambda r: actions.service_referral_send(actor=advocate, referral=r, expected_version=stale(r)),
        proposed,
        shelter,
    )
    assert error.code == "stale"
    sent = actions.service_referral_send(actor=advocate, referral=proposed, expected_version=proposed.version)
    accepted = actions.service_referral_answer(
        actor=provider_user, referral=sent, answer="accept", expected_version=sent.version
    )
    error = _refused(
        lambda r: actions.service_referral_start(actor=provider_user, referral=r, expected_version=stale(r)),
        accepted,
        shelter,
    )
    assert error.code == "stale"
    started = actions.service_referral_start(
        actor=provider_user, referral=accepted, expected_version=accepted.version
    )
    error = _refused(
        lambda r: actions.service_referral_close(
            actor=provider_user, referral=r, outcome="completed", expected_version=stale(r)
        ),
        started,
        shelter,
    )
    assert error.code == "stale"
