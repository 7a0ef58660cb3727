"""Pages of the work around a case: the case team, tasks and the work queue, follow-up contacts, the
plan. Every case comes through the policy (access_case); every write is an action."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.audit import log as audit
from continuum.cases.forms import add_errors, named, uuid_or_none
from continuum.cases.selectors import survivor_choices, with_survivor_labels
from continuum.coordination import actions as coordination_actions
from continuum.coordination.forms import (
    GOAL_CLOSING,
    FollowUpForm,
    GoalForm,
    PlanEditForm,
    PlanForm,
    TaskAssignForm,
    TaskForm,
    TeamAddForm,
)
from continuum.coordination.selectors import (
    follow_ups_of,
    goal_of,
    plan_of,
    plans_of,
    task_of,
    task_owner_choices,
    task_queue,
    team_choices,
)
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.core.validation import parse_id
from continuum.org.models import User


@require_GET
@staff_required
def task_queue_view(request: HttpRequest) -> HttpResponse:
    """The work queue: open tasks on the cases this user may see, overdue first, and the overdue
    count per agency."""
    now = policy.clock()
    queue = task_queue(request.user, now, request.GET.get("page"))
    # The list's row and the row of each case shown, in one transaction: one commit.
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="list",
            object_type="coordination.Task",
            detail={"count": len(queue.tasks), "page": queue.page.number},
        )
        policy.audited_list(request.user, [task.case_id for task in queue.tasks])
    return render(
        request, "coordination/task_queue.html", {"queue": queue, "page": queue.page, "query": "", "now": now}
    )


@require_POST
@staff_required
def task_done_view(request: HttpRequest, case_id: str, task_id: int) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "task")
    task = task_of(access, task_id)
    if task is None:
        raise Http404("No such task.")
    assert isinstance(request.user, User)
    advocate = None
    if request.POST.get("advocate"):
        advocate_id = parse_id(request.POST["advocate"])
        if advocate_id is None:
            messages.error(request, _("Choose the advocate from the list."))
            return redirect("cases:detail", case_id=access.case.pk)
        advocate = User.objects.filter(pk=advocate_id).select_related("membership").first()
    try:
        coordination_actions.task_complete(actor=request.user, task=task, advocate=advocate)
    except policy.Denied:
        # The action asked the policy (task.complete) and wrote the refusal; say whose task it is.
        messages.error(request, _("This task belongs to %(agency)s.") % {"agency": task.agency.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task done."))
    return redirect("cases:detail", case_id=access.case.pk)


def _team_page(
    request: HttpRequest, access: policy.CaseAccess, form: TeamAddForm | None = None, status: int = 200
) -> HttpResponse:
    """The case team page (its GET, and an addition refused with its bound form)."""
    members, staff, agencies = team_choices(access)
    return render(
        request,
        "coordination/team.html",
        {
            "case": access.case,
            "members": members,
            "form": form or TeamAddForm(members=staff, agencies=agencies),
        },
        status=status,
    )


@require_GET
@staff_required
def team_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case team: who is on it, in what role; the coordinator adds and removes members, each
    by its own URL below."""
    return _team_page(request, policy.access_case(request.user, case_id, "team"))


@require_POST
@staff_required
def team_add_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Add a member (a person, or their whole agency) to the case team in a team role."""
    access = policy.access_case(request.user, case_id, "team")
    assert isinstance(request.user, User)
    _members, staff, agencies = team_choices(access)
    form = TeamAddForm(request.POST, members=staff, agencies=agencies)
    if form.is_valid():
        user = form.cleaned_data["member"]
        agency = user.membership.agency if user else form.cleaned_data["agency"]
        try:
            coordination_actions.team_add(
                actor=request.user,
                case=access.case,
                user=user,
                agency=agency,
                team_role=form.cleaned_data["team_role"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Added to the case team."))
            return redirect("coordination:team", case_id=access.case.pk)
    return _team_page(request, access, form, status=400)


@require_POST
@staff_required
def team_remove_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Remove a member from the case team (`team_member`: the id of their place on it)."""
    access = policy.access_case(request.user, case_id, "team")
    assert isinstance(request.user, User)
    members, _staff, _agencies = team_choices(access)
    chosen = request.POST.get("team_member", "")
    member = next((m for m in members if str(m.pk) == chosen), None)
    if member is None:
        raise Http404("No such team member.")
    coordination_actions.team_remove(actor=request.user, member=member)
    return redirect("coordination:team", case_id=access.case.pk)


def task_from(request: HttpRequest, access: policy.CaseAccess, form: TaskForm, kind: str = "other") -> None:
    assert isinstance(request.user, User)
    data = form.cleaned_data
    coordination_actions.task_create(
        actor=request.user,
        case=access.case,
        agency=data["agency"],
        title=data["title"],
        due_at=data["due_at"],
        assignee=data["assignee"],
        kind=kind,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def task_new_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """A task with an owner and a deadline, for the lead agency or an agency on the case team."""
    access = policy.access_case(request.user, case_id, "task")
    agencies, staff = task_owner_choices(access)
    form = TaskForm(request.POST or None, agencies=agencies, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            task_from(request, access, form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "coordination/task_form.html",
        {"case": access.case, "form": form, "task": None, "changed": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def task_edit_view(request: HttpRequest, case_id: str, task_id: int) -> HttpResponse:
    """Give a task to someone of its agency, or move its deadline; a stale edit gets 409."""
    access = policy.access_case(request.user, case_id, "task")
    task = task_of(access, task_id)
    if task is None:
        raise Http404("No such task.")
    if not policy.allows(request.user, "task.edit", task):
        messages.error(request, _("This task belongs to %(agency)s.") % {"agency": task.agency.name})
        return redirect("cases:detail", case_id=access.case.pk)
    staff = task_owner_choices(access)[1].filter(membership__agency_id=task.agency_id)
    initial = {"version": task.version, "assignee": task.assignee_id, "due_at": task.due_at}
    form = TaskAssignForm(request.POST or None, initial=initial, staff=staff)
    status, changed = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            assert isinstance(request.user, User)
            data = form.cleaned_data
            try:
                coordination_actions.task_assign(
                    actor=request.user,
                    task=task,
                    expected_version=data["version"],
                    assignee=data["assignee"],
                    due_at=data["due_at"],
                )
            except StaleEdit as stale:
                current = stale.current
                changed = {
                    name: (data[name], getattr(current, name))
                    for name in ("assignee", "due_at")
                    if data[name] != getattr(current, name)
                }
                status = 409
                form = TaskAssignForm(
                    initial={
                        "version": current.version,
                        "assignee": current.assignee_id,
                        "due_at": current.due_at,
                    },
                    staff=staff,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Task saved."))
                return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "coordination/task_form.html",
        {"case": access.case, "form": form, "task": task, "changed": changed},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def follow_ups_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Follow-up contacts with the survivor: when, how, what came of it, and when the next is due."""
    access = policy.access_case(request.user, case_id, "follow_up")
    form = named(FollowUpForm(request.POST or None, people=survivor_choices(access)), access)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        data = form.cleaned_data
        try:
            coordination_actions.follow_up_record(
                actor=request.user,
                case=access.case,
                survivor=data["survivor"],
                contacted_at=data["contacted_at"],
                method=data["method"],
                outcome=data["outcome"],
                next_contact_on=data["next_contact_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("coordination:follow_ups", case_id=access.case.pk)
    contacts = follow_ups_of(access)
    audit.record(
        actor=request.user,
        action="list",
        object_type="coordination.FollowUpContact",
        case_id=access.case.pk,
        fields=["contacted_at", "method", "outcome", "next_contact_on"],
        detail={"count": len(contacts)},
    )
    return render(
        request,
        "coordination/follow_ups.html",
        {"case": access.case, "form": form, "contacts": with_survivor_labels(access, contacts)},
        status=400 if request.method == "POST" else 200,
    )


def _plan_access(request: HttpRequest, case_id: str) -> policy.CaseAccess:
    """The case, for a user who may work on its plan and see it; else 404."""
    access = policy.access_case(request.user, case_id, "plan")
    if not access.shows("plan"):
        raise Http404("No such page.")
    return access


def _plan_page(
    request: HttpRequest,
    access: policy.CaseAccess,
    *,
    status: int = 200,
    plan_form: PlanForm | None = None,
    goal_form: GoalForm | None = None,
) -> HttpResponse:
    """The case plan page (its GET, and each operation refused with its bound form or message)."""
    plans = plans_of(access)
    audit.record(
        actor=request.user,
        action="view",
        obj=access.case,
        fields=["plans", "objectives", "action_plan", "goals"],
        detail={"count": len(plans)},
    )
    return render(
        request,
        "coordination/plan.html",
        {
            "case": access.case,
            "plans": with_survivor_labels(access, plans),
            "plan_form": plan_form or named(PlanForm(people=survivor_choices(access)), access),
            "goal_form": goal_form or GoalForm(agencies=task_owner_choices(access)[0]),
            "goal_closing": GOAL_CLOSING,
        },
        status=status,
    )


@require_GET
@staff_required
def plan_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case plan: HTCDS support plans per survivor with their goals. One page, three
    operations by their own URLs below: a new plan, a goal, a goal met or dropped."""
    return _plan_page(request, _plan_access(request, case_id))


@require_POST
@staff_required
def plan_create_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Start a support plan for a survivor of the case."""
    access = _plan_access(request, case_id)
    assert isinstance(request.user, User)
    plan_form = named(PlanForm(request.POST, people=survivor_choices(access)), access)
    if plan_form.is_valid():
        data = plan_form.cleaned_data
        try:
            coordination_actions.plan_create(
                actor=request.user,
                case=access.case,
                survivor=data["survivor"],
                plan_type=data["plan_type"],
                objectives=data["objectives"],
                action_plan=data["action_plan"],
                planned_end_date=data["planned_end_date"],
            )
        except ValidationError as error:
            add_errors(plan_form, error)
        else:
            messages.success(request, _("Plan recorded."))
            return redirect("coordination:plan", case_id=access.case.pk)
    return _plan_page(request, access, status=400, plan_form=plan_form)


@require_POST
@staff_required
def goal_add_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Add a goal to a plan of the case."""
    access = _plan_access(request, case_id)
    assert isinstance(request.user, User)
    goal_form = GoalForm(request.POST, agencies=task_owner_choices(access)[0])
    if goal_form.is_valid():
        plan = next((p for p in plans_of(access) if str(p.pk) == request.POST.get("plan")), None)
        data = goal_form.cleaned_data
        try:
            if plan is None:
                raise ValidationError(_("Choose the plan the goal belongs to."))
            coordination_actions.goal_add(
                actor=request.user,
                plan=plan,
                description=data["description"],
                owner_agency=data["owner_agency"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_errors(goal_form, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect("coordination:plan", case_id=access.case.pk)
    return _plan_page(request, access, status=400, goal_form=goal_form)


@require_POST
@staff_required
def goal_close_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Close a goal of the case's plan as met or dropped (409 when someone changed it meanwhile)."""
    access = _plan_access(request, case_id)
    assert isinstance(request.user, User)
    goal = goal_of(access, uuid_or_none(request.POST.get("goal", "")))
    if goal is None:
        raise Http404("No such goal.")
    try:
        coordination_actions.goal_close(
            actor=request.user,
            goal=goal,
            status=request.POST.get("status", ""),
            expected_version=parse_version(request.POST.get("version")),
        )
    except StaleEdit as stale:
        messages.error(request, stale_summary(stale))
        return _plan_page(request, access, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _plan_page(request, access, status=400)
    messages.success(request, _("Goal closed."))
    return redirect("coordination:plan", case_id=access.case.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def plan_edit_view(request: HttpRequest, case_id: str, plan_id: str) -> HttpResponse:
    """Edit a support plan; a stale edit is refused with 409 and shows what changed."""
    access = policy.access_case(request.user, case_id, "plan")
    plan = plan_of(access, plan_id)
    if plan is None:
        raise Http404("No such plan.")
    fields = ("objectives", "action_plan", "planned_end_date", "actual_end_date")
    initial = {"version": plan.version, **{name: getattr(plan, name) for name in fields}}
    form = PlanEditForm(request.POST or None, initial=initial)
    status, changed = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            assert isinstance(request.user, User)
            data = form.cleaned_data
            try:
                coordination_actions.plan_update(
                    actor=request.user,
                    plan=plan,
                    expected_version=data["version"],
                    changes={name: data[name] for name in fields},
                )
            except StaleEdit as stale:
                current = stale.current
                # What is there now that differs from what this editor meant to save.
                changed = {
                    name: (data[name], getattr(current, name))
                    for name in fields
                    if (data[name] or None) != (getattr(current, name) or None)
                }
                status = 409
                form = PlanEditForm(
                    initial={"version": current.version, **{name: getattr(current, name) for name in fields}}
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("coordination:plan", case_id=access.case.pk)
    audit.record(actor=request.user, action="view", obj=plan, case_id=access.case.pk, fields=list(fields))
    return render(
        request,
        "coordination/plan_edit.html",
        {"case": access.case, "plan": plan, "form": form, "changed": changed},
        status=status,
    )
