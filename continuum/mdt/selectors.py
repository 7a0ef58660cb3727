"""Reads of MDT meetings: which meetings a user may see, and what of each agenda case they may read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from continuum.access import policy
from continuum.cases.models import (
    Case,
)
from continuum.core.htcds import CaseStatus
from continuum.mdt.models import MdtAgendaItem, MdtAttendance, MdtMeeting, MdtMinute
from continuum.org.models import User


def meetings_for(user: Any) -> QuerySet[MdtMeeting]:
    """The meetings a user may open: every meeting of their region for its coordinators, the
    meetings they are invited to for everyone else; none for roles outside MDT work."""
    return policy.restrict(
        user, "mdt_meeting.view", MdtMeeting.objects.select_related("region", "chaired_by")
    )


def meeting_for(user: Any, meeting_id: Any) -> MdtMeeting | None:
    return meetings_for(user).filter(pk=meeting_id).first()


def chairs(user: Any, meeting: MdtMeeting) -> bool:
    """Whether the user runs this meeting (policy.yaml: a coordinator of its region)."""
    return policy.allows(user, "mdt_meeting.run", meeting)


@dataclass(frozen=True)
class AgendaEntry:
    item: MdtAgendaItem
    case: Case | None  # None when the reader may not view the case: shown as "a case you cannot see"
    minutes: list[MdtMinute]
    hidden_minutes: int


@dataclass(frozen=True)
class MeetingView:
    meeting: MdtMeeting
    agenda: list[AgendaEntry]
    attendance: list[MdtAttendance]
    shown_case_ids: list[str]


def meeting_view(user: Any, meeting: MdtMeeting) -> MeetingView:
    """What this reader may see of a meeting: agenda cases they may view, and of each case's minutes
    only those whose category the policy opens to them on that case (relationships, consent and
    `never`, as for every field)."""
    items = list(
        MdtAgendaItem.objects.filter(meeting=meeting)
        .select_related("case", "case__lead_agency")
        .prefetch_related("case__team__agency")
        .order_by("position", "id")
    )
    minutes_by_item: dict[int, list[MdtMinute]] = {}
    for minute in (
        MdtMinute.objects.filter(item__meeting=meeting).select_related("author").order_by("created_at")
    ):
        minutes_by_item.setdefault(minute.item_id, []).append(minute)
    agenda: list[AgendaEntry] = []
    shown: list[str] = []
    # The whole agenda in a fixed number of queries: the cases the reader may view (one restricted
    # query) and what they may see of each (policy.case_categories), not one decision per item.
    case_ids = [item.case_id for item in items]
    viewable = set(Case.objects.restrict(user, "view").filter(pk__in=case_ids).values_list("pk", flat=True))
    categories_of = policy.case_categories(user, [c for c in case_ids if c in viewable])
    for item in items:
        all_minutes = minutes_by_item.get(item.pk, [])
        if item.case_id not in viewable:
            agenda.append(AgendaEntry(item=item, case=None, minutes=[], hidden_minutes=len(all_minutes)))
            continue
        categories = categories_of.get(item.case_id, frozenset())
        visible = [m for m in all_minutes if m.category in categories]
        shown.append(str(item.case_id))
        agenda.append(
            AgendaEntry(
                item=item, case=item.case, minutes=visible, hidden_minutes=len(all_minutes) - len(visible)
            )
        )
    attendance = list(
        MdtAttendance.objects.filter(meeting=meeting)
        .select_related("user", "agency")
        .order_by("agency__name", "id")
    )
    return MeetingView(meeting=meeting, agenda=agenda, attendance=attendance, shown_case_ids=shown)


def agenda_candidates(user: Any, meeting: MdtMeeting) -> QuerySet[Case]:
    """Open cases of the meeting's region that the chair may bring to the MDT, not yet on the agenda."""
    on_agenda = MdtAgendaItem.objects.filter(meeting=meeting).values("case_id")
    return (
        Case.objects.restrict(user, "mdt")
        .filter(region_id=meeting.region_id)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
        .exclude(pk__in=on_agenda)
        .order_by("-opened_on", "reference")
    )


def invite_candidates(meeting: MdtMeeting) -> QuerySet[User]:
    """Staff of the meeting's region (and statewide) who take part in MDTs, not yet invited."""
    invited = MdtAttendance.objects.filter(meeting=meeting).values("user_id")
    return (
        User.objects.filter(
            Q(membership__agency__region_id=meeting.region_id) | Q(membership__agency__region__isnull=True),
            membership__active=True,
            is_active=True,
            membership__role__in=sorted(policy.roles_allowed("mdt_meeting.view", through="invited")),
        )
        .exclude(pk__in=invited)
        .select_related("membership__agency")
        .order_by("membership__agency__name", "last_name", "first_name")
    )
