"""MDT pages: the list of meetings and one meeting (agenda, attendance, minutes). Meetings come through
the selectors, which start from the policy; every write is an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.audit import log as audit
from continuum.cases.forms import add_errors, uuid_or_none
from continuum.coordination import views as coordination_views
from continuum.coordination.forms import TaskForm
from continuum.coordination.selectors import task_owner_choices
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.core.validation import parse_id
from continuum.mdt import actions as mdt_actions
from continuum.mdt.forms import MeetingForm, MinuteForm
from continuum.mdt.models import MdtMeeting, MeetingStatus
from continuum.mdt.selectors import (
    agenda_candidates,
    chairs,
    invite_candidates,
    meeting_for,
    meeting_view,
    meetings_for,
)
from continuum.org.models import User


@require_http_methods(["GET", "POST"])
@staff_required
def mdt_list_view(request: HttpRequest) -> HttpResponse:
    """The MDT meetings a user takes part in; a coordinator schedules their region's meetings."""
    if not policy.may(request.user, "mdt"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="mdt.MdtMeeting",
            outcome="denied",
            detail={"attempted": "mdt"},
        )
        raise Http404("No such page.")
    actor = policy.actor_of(request.user)
    # A statewide coordinator has no region to hold a meeting in (mdt.actions.meeting_schedule).
    may_schedule = (
        policy.allows(request.user, "mdt_meeting.schedule")
        and actor is not None
        and actor.region_id is not None
    )
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not may_schedule:
            raise Http404("No such page.")
        if form.is_valid():
            assert isinstance(request.user, User)
            try:
                meeting = mdt_actions.meeting_schedule(
                    actor=request.user,
                    scheduled_for=form.cleaned_data["scheduled_for"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Meeting scheduled. Now put cases on its agenda and invite the team.")
                )
                return redirect("mdt:meeting", meeting_id=meeting.pk)
    meetings = list(meetings_for(request.user)[:100])
    audit.record(
        actor=request.user, action="list", object_type="mdt.MdtMeeting", detail={"count": len(meetings)}
    )
    return render(
        request,
        "mdt/list.html",
        {"meetings": meetings, "form": form, "may_schedule": may_schedule},
        status=400 if request.method == "POST" else 200,
    )


def _meeting_or_404(request: HttpRequest, meeting_id: object) -> MdtMeeting:
    """The meeting, when the user does MDT work and may read it; else a denial row and a 404."""
    meeting = (
        meeting_for(request.user, uuid_or_none(str(meeting_id))) if policy.may(request.user, "mdt") else None
    )
    if meeting is None:
        audit.record(
            actor=request.user,
            action="deny",
            object_type="mdt.MdtMeeting",
            object_id=str(meeting_id),
            outcome="denied",
            detail={"attempted": "mdt"},
        )
        raise Http404("No such meeting.")
    return meeting


def _meeting_page(
    request: HttpRequest,
    meeting: MdtMeeting,
    *,
    status: int = 200,
    posted_minute: MinuteForm | None = None,
    minute_item: object = None,
) -> HttpResponse:
    """The meeting page (its GET, and each operation refused with its message and `status`)."""
    running = chairs(request.user, meeting)
    view = meeting_view(request.user, meeting)
    audit.record(
        actor=request.user,
        action="view",
        obj=meeting,
        fields=["agenda", "attendance", "minutes"],
        detail={"cases": len(view.shown_case_ids), "items": len(view.agenda)},
    )
    policy.audited_list(request.user, view.shown_case_ids, "view")
    context: dict[str, Any] = {
        "view": view,
        "meeting": meeting,
        "running": running and meeting.status == MeetingStatus.PLANNED,
        "chair": running,
        "minute_form": MinuteForm(),
        # The minute form refused, shown again with its errors under the agenda item it was for.
        "posted_minute": posted_minute,
        "minute_item": str(minute_item) if minute_item is not None else None,
    }
    if running:
        candidates = list(agenda_candidates(request.user, meeting)[:200])
        policy.audited_list(request.user, candidates)  # the chair sees their references
        context["candidates"] = candidates
        context["invitees"] = invite_candidates(meeting)
    return render(request, "mdt/meeting.html", context, status=status)


@require_GET
@staff_required
def mdt_meeting_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """One MDT meeting: the agenda (only cases the reader may view), attendance, and the minutes
    each reader may read. The region's coordinator runs it, each change by its own URL below:
    agenda, invitations, attendance, minutes, action items as tasks, and marking it held (a
    journey step for every case on it) or cancelled."""
    return _meeting_page(request, _meeting_or_404(request, meeting_id))


# One change to a meeting by its chair: it returns the success message, or raises
# ValidationError (StaleEdit) with the user's message; `page` takes what the page shows again.
Operation = Callable[[HttpRequest, User, MdtMeeting, dict[str, Any]], str]


def _chair_runs(request: HttpRequest, meeting_id: str, operation: Operation) -> HttpResponse:
    """Run one operation of the chair on the meeting: a redirect to the page with the message, or
    the page again with the refusal (400; 409 for a stale edit). Anyone but the chair gets 404."""
    meeting = _meeting_or_404(request, meeting_id)
    if not chairs(request.user, meeting):
        raise Http404("No such meeting.")
    assert isinstance(request.user, User)
    page: dict[str, Any] = {}
    try:
        done = operation(request, request.user, meeting, page)
    except StaleEdit as stale:
        messages.error(request, stale_summary(stale))
        return _meeting_page(request, _meeting_or_404(request, meeting_id), status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _meeting_page(request, meeting, status=400, **page)
    messages.success(request, done)
    return redirect("mdt:meeting", meeting_id=meeting.pk)


def _agenda_item(request: HttpRequest, meeting: MdtMeeting) -> Any:
    """The agenda item named by the POST, of a case the chair may view; else ValidationError."""
    item = next(
        (
            e.item
            for e in meeting_view(request.user, meeting).agenda
            if str(e.item.pk) == request.POST.get("item") and e.case
        ),
        None,
    )
    if item is None:
        raise ValidationError(_("Choose a case on the agenda."))
    return item


def _agenda_add(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    key = uuid_or_none(request.POST.get("case", ""))
    case = agenda_candidates(user, meeting).filter(pk=key).first() if key else None
    if case is None:
        raise ValidationError(_("Choose an open case of the region that is not on the agenda yet."))
    mdt_actions.meeting_add_case(actor=user, meeting=meeting, case=case)
    return _("Case added to the agenda.")


def _invite(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    chosen_id = parse_id(request.POST.get("user", ""))
    invited = invite_candidates(meeting).filter(pk=chosen_id).first() if chosen_id is not None else None
    if invited is None:
        raise ValidationError(_("Choose someone of the region's case teams who is not invited yet."))
    mdt_actions.meeting_invite(actor=user, meeting=meeting, user=invited)
    return _("Invited.")


def _attendance(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    present = [parse_id(value) for value in request.POST.getlist("present")]
    if None in present:
        raise ValidationError(_("Mark present only people of the list."))
    mdt_actions.attendance_record(
        actor=user, meeting=meeting, present=[user_id for user_id in present if user_id is not None]
    )
    return _("Attendance recorded.")


def _minute(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    item = _agenda_item(request, meeting)
    form = MinuteForm(request.POST)
    page.update(posted_minute=form, minute_item=item.pk)
    if not form.is_valid():
        raise ValidationError(_("Choose what the minute is about and write it."))
    decision = policy.decide(user, item.case_id, "view")
    if not decision or form.cleaned_data["category"] not in decision[2]:
        raise ValidationError(
            _("Minute only what your agency may see of this case: the survivor has not shared that.")
        )
    mdt_actions.minute_add(
        actor=user, item=item, category=form.cleaned_data["category"], body=form.cleaned_data["body"]
    )
    return _("Minute recorded.")


def _action_item(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    item = _agenda_item(request, meeting)
    access = policy.access_case(user, item.case_id, "task")
    agencies, staff = task_owner_choices(access)
    form = TaskForm(request.POST, agencies=agencies, staff=staff)
    if not form.is_valid():
        raise ValidationError(_("Give the action a description, an agency and a deadline."))
    coordination_views.task_from(request, access, form, kind="mdt_action")
    return _("Action item added as a task.")


def _hold(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    expected = parse_version(request.POST.get("version"))
    mdt_actions.meeting_hold(actor=user, meeting=meeting, expected_version=expected)
    return _("Meeting recorded as held; each case's journey shows it.")


def _cancel(request: HttpRequest, user: User, meeting: MdtMeeting, page: dict[str, Any]) -> str:
    expected = parse_version(request.POST.get("version"))
    mdt_actions.meeting_cancel(actor=user, meeting=meeting, expected_version=expected)
    return _("Meeting cancelled.")


@require_POST
@staff_required
def meeting_agenda_add_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair puts an open case of the region on the agenda."""
    return _chair_runs(request, meeting_id, _agenda_add)


@require_POST
@staff_required
def meeting_invite_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair invites someone of the region's case teams."""
    return _chair_runs(request, meeting_id, _invite)


@require_POST
@staff_required
def meeting_attendance_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair records who was present."""
    return _chair_runs(request, meeting_id, _attendance)


@require_POST
@staff_required
def meeting_minute_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair minutes an agenda item, in a category their agency may see of the case."""
    return _chair_runs(request, meeting_id, _minute)


@require_POST
@staff_required
def meeting_action_item_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair adds an action item of an agenda item, as a task of its case."""
    return _chair_runs(request, meeting_id, _action_item)


@require_POST
@staff_required
def meeting_hold_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair records the meeting as held (a journey step of every case on it)."""
    return _chair_runs(request, meeting_id, _hold)


@require_POST
@staff_required
def meeting_cancel_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """The chair cancels the meeting."""
    return _chair_runs(request, meeting_id, _cancel)
