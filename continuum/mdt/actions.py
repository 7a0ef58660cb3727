"""MDT meetings: scheduled, cases put on the agenda, staff invited, attendance and minutes recorded,
held or cancelled. Each write is one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import policy
from continuum.audit import log as audit
from continuum.cases.models import (
    Case,
)
from continuum.core.locking import check_version, save_new_version
from continuum.core.sensitivity import InfoCategory
from continuum.core.validation import check_moments
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.mdt.models import MdtAgendaItem, MdtAttendance, MdtMeeting, MdtMinute, MeetingStatus
from continuum.org.models import User

MINUTE_CATEGORIES = tuple(c for c in InfoCategory.values if c != InfoCategory.PRIVILEGED_NOTES)


def _require_planned(meeting: MdtMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("This meeting is over; its record can no longer change."))


@policy.atomic_action
def meeting_schedule(*, actor: User, scheduled_for: dt.datetime, place: str = "") -> MdtMeeting:
    """A coordinator schedules an MDT meeting of their region, and attends it."""
    policy.require(actor, "mdt_meeting.schedule")
    check_moments(scheduled_for=scheduled_for)
    region_id = actor.membership.agency.region_id
    if region_id is None:
        raise ValidationError(_("Only a regional coordinator schedules an MDT meeting."))
    if scheduled_for < timezone.now() - dt.timedelta(days=1):
        raise ValidationError({"scheduled_for": _("Schedule the meeting for today or later.")})
    meeting = MdtMeeting.objects.create(
        region_id=region_id,
        scheduled_for=scheduled_for,
        place=" ".join(place.split())[:120],
        chaired_by=actor,
    )
    MdtAttendance.objects.create(
        meeting=meeting, user=actor, agency_id=actor.membership.agency_id, recorded_by=actor
    )
    audit.record(actor=actor, action="create", obj=meeting, fields=["scheduled_for", "place"])
    return meeting


@policy.atomic_action
def meeting_add_case(*, actor: User, meeting: MdtMeeting, case: Case) -> MdtAgendaItem:
    """Put a case of the meeting's region on its agenda (once)."""
    policy.require(actor, "mdt_meeting.run", meeting)
    _require_planned(meeting)
    if case.region_id != meeting.region_id:
        raise ValidationError({"case": _("Only cases of the meeting's region go on its agenda.")})
    if MdtAgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError({"case": _("This case is on the agenda already.")})
    position = MdtAgendaItem.objects.filter(meeting=meeting).count() + 1
    item = MdtAgendaItem.objects.create(meeting=meeting, case=case, position=position, added_by=actor)
    audit.record(actor=actor, action="create", obj=item, case_id=case.pk, detail={"meeting": str(meeting.pk)})
    return item


@policy.atomic_action
def meeting_invite(*, actor: User, meeting: MdtMeeting, user: User) -> MdtAttendance:
    """Invite a staff member of the region (or statewide) to the meeting."""
    policy.require(actor, "mdt_meeting.run", meeting)
    _require_planned(meeting)
    membership = getattr(user, "membership", None)
    if membership is None or not membership.active or not user.is_active:
        raise ValidationError({"user": _("Choose an active staff member.")})
    # Invited are the staff whose role reads the meetings it is invited to (policy.yaml).
    if membership.agency.region_id not in {
        None,
        meeting.region_id,
    } or membership.role not in policy.roles_allowed("mdt_meeting.view", through="invited"):
        raise ValidationError({"user": _("Invite the case teams' staff of this region.")})
    if MdtAttendance.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": _("This person is invited already.")})
    row = MdtAttendance.objects.create(
        meeting=meeting, user=user, agency_id=membership.agency_id, recorded_by=actor
    )
    audit.record(actor=actor, action="create", obj=row, detail={"meeting": str(meeting.pk)})
    return row


@policy.atomic_action
def attendance_record(*, actor: User, meeting: MdtMeeting, present: Iterable[int]) -> list[MdtAttendance]:
    """Who was there: every invited person is marked present or absent."""
    policy.require(actor, "mdt_meeting.run", meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    here = set(present)
    rows = list(MdtAttendance.objects.select_for_update().filter(meeting=meeting))
    if unknown := here - {row.user_id for row in rows}:
        raise ValidationError(
            _("Only invited people can be marked present (%(n)d were not).") % {"n": len(unknown)}
        )
    for row in rows:
        row.present = row.user_id in here
        row.recorded_by = actor
        row.save(update_fields=["present", "recorded_by", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=meeting,
        fields=["attendance"],
        detail={"present": len(here), "invited": len(rows)},
    )
    return rows


@policy.atomic_action
def minute_add(*, actor: User, item: MdtAgendaItem, category: str, body: str) -> MdtMinute:
    """A minute on an agenda item, in the information category its content belongs to: readers see
    it only where that category of the case is open to them. Never privileged notes."""
    policy.require(actor, "mdt_meeting.run", item.meeting)
    text = body.strip()
    errors: dict[str, str] = {}
    if category == InfoCategory.PRIVILEGED_NOTES:
        errors["category"] = _("Privileged advocate notes do not go into minutes.")
    elif category not in MINUTE_CATEGORIES:
        errors["category"] = _("Choose what the minute is about.")
    if not text:
        errors["body"] = _("Write the minute first.")
    if errors:
        raise ValidationError(errors)
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    minute = MdtMinute.objects.create(item=item, category=category, body=text, author=actor)
    audit.record(
        actor=actor,
        action="create",
        obj=minute,
        case_id=item.case_id,
        fields=["body"],
        detail={"category": category},
    )
    return minute


def _planned_meeting(meeting: MdtMeeting, expected_version: int) -> MdtMeeting:
    """The meeting's row, locked, if it is still planned and nobody changed it meanwhile."""
    current = MdtMeeting.objects.select_for_update().get(pk=meeting.pk)
    if current.status != MeetingStatus.PLANNED:
        raise ValidationError(_("This meeting is over already."))
    check_version(current, expected_version, seen={"status": meeting.status})
    return current


@policy.atomic_action
def meeting_hold(*, actor: User, meeting: MdtMeeting, expected_version: int) -> MdtMeeting:
    """The meeting took place: every case on its agenda gets an MDT step in its journey."""
    policy.require(actor, "mdt_meeting.run", meeting)
    current = _planned_meeting(meeting, expected_version)
    current.status = MeetingStatus.HELD
    current.held_at = timezone.now()
    save_new_version(current, ["status", "held_at"])
    assert current.held_at is not None
    for case_id in MdtAgendaItem.objects.filter(meeting=meeting).values_list("case_id", flat=True):
        journey_record(
            case_id=case_id,
            kind=EventKind.MDT_MEETING_HELD,
            actor=actor,
            occurred_at=current.held_at,
            data={"meeting": str(meeting.pk)},
        )
    audit.record(actor=actor, action="update", obj=current, fields=["status", "held_at"])
    return current


@policy.atomic_action
def meeting_cancel(*, actor: User, meeting: MdtMeeting, expected_version: int) -> MdtMeeting:
    policy.require(actor, "mdt_meeting.run", meeting)
    current = _planned_meeting(meeting, expected_version)
    current.status = MeetingStatus.CANCELLED
    save_new_version(current, ["status"])
    audit.record(actor=actor, action="update", obj=current, fields=["status"])
    return current
