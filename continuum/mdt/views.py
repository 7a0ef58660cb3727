"""MDT pages: the list of meetings and one meeting (agenda, attendance, minutes). Meetings come through
the selectors, which start from the policy; every write is an action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

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
from continuum.mdt.models import MeetingStatus
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


MEETING_OPS = {"add_case", "invite", "attendance", "minute", "task", "hold", "cancel"}


@require_http_methods(["GET", "POST"])
@staff_required
def mdt_meeting_view(request: HttpRequest, meeting_id: str) -> HttpResponse:
    """One MDT meeting: the agenda (only cases the reader may view), attendance, and the minutes
    each reader may read. The region's coordinator runs it: agenda, invitations, attendance,
    minutes, action items as tasks, and marking it held (a journey step for every case on it)."""
    meeting = meeting_for(request.user, uuid_or_none(meeting_id)) if policy.may(request.user, "mdt") else None
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
    running = chairs(request.user, meeting)
    minute_form = MinuteForm(request.POST if request.POST.get("op") == "minute" else None)
    if request.method == "POST":
        op = request.POST.get("op", "")
        if not running or op not in MEETING_OPS:
            raise Http404("No such meeting.")
        assert isinstance(request.user, User)
        try:
            _meeting_op(request, meeting, op, minute_form)
        except StaleEdit as stale:
            messages.error(request, stale_summary(stale))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("mdt:meeting", meeting_id=meeting.pk)
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
        "minute_form": minute_form,
    }
    if running:
        candidates = list(agenda_candidates(request.user, meeting)[:200])
        policy.audited_list(request.user, candidates)  # the chair sees their references
        context["candidates"] = candidates
        context["invitees"] = invite_candidates(meeting)
    return render(request, "mdt/meeting.html", context)


def _meeting_op(request: HttpRequest, meeting: Any, op: str, minute_form: MinuteForm) -> None:
    """One change to a meeting by its chair; raises ValidationError with the user's message."""
    assert isinstance(request.user, User)
    post = request.POST
    if op == "add_case":
        key = uuid_or_none(post.get("case", ""))
        case = agenda_candidates(request.user, meeting).filter(pk=key).first() if key else None
        if case is None:
            raise ValidationError(_("Choose an open case of the region that is not on the agenda yet."))
        mdt_actions.meeting_add_case(actor=request.user, meeting=meeting, case=case)
        messages.success(request, _("Case added to the agenda."))
    elif op == "invite":
        chosen = post.get("user", "")
        chosen_id = parse_id(chosen)
        user = invite_candidates(meeting).filter(pk=chosen_id).first() if chosen_id is not None else None
        if user is None:
            raise ValidationError(_("Choose someone of the region's case teams who is not invited yet."))
        mdt_actions.meeting_invite(actor=request.user, meeting=meeting, user=user)
        messages.success(request, _("Invited."))
    elif op == "attendance":
        present = [parse_id(value) for value in post.getlist("present")]
        if None in present:
            raise ValidationError(_("Mark present only people of the list."))
        mdt_actions.attendance_record(
            actor=request.user,
            meeting=meeting,
            present=[user_id for user_id in present if user_id is not None],
        )
        messages.success(request, _("Attendance recorded."))
    elif op in {"minute", "task"}:
        item = next(
            (
                e.item
                for e in meeting_view(request.user, meeting).agenda
                if str(e.item.pk) == post.get("item") and e.case
            ),
            None,
        )
        if item is None:
            raise ValidationError(_("Choose a case on the agenda."))
        if op == "minute":
            if not minute_form.is_valid():
                raise ValidationError(_("Choose what the minute is about and write it."))
            decision = policy.decide(request.user, item.case_id, "view")
            if not decision or minute_form.cleaned_data["category"] not in decision[2]:
                raise ValidationError(
                    _("Minute only what your agency may see of this case: the survivor has not shared that.")
                )
            mdt_actions.minute_add(
                actor=request.user,
                item=item,
                category=minute_form.cleaned_data["category"],
                body=minute_form.cleaned_data["body"],
            )
            messages.success(request, _("Minute recorded."))
        else:
            access = policy.access_case(request.user, item.case_id, "task")
            agencies, staff = task_owner_choices(access)
            form = TaskForm(post, agencies=agencies, staff=staff)
            if not form.is_valid():
                raise ValidationError(_("Give the action a description, an agency and a deadline."))
            coordination_views.task_from(request, access, form, kind="mdt_action")
            messages.success(request, _("Action item added as a task."))
    else:
        expected = parse_version(post.get("version"))
        if op == "hold":
            mdt_actions.meeting_hold(actor=request.user, meeting=meeting, expected_version=expected)
            messages.success(request, _("Meeting recorded as held; each case's journey shows it."))
        else:
            mdt_actions.meeting_cancel(actor=request.user, meeting=meeting, expected_version=expected)
            messages.success(request, _("Meeting cancelled."))
