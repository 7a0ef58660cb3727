"""The work around a case: team, tasks, follow-up contacts, the plan and its goals. Each write is one
transaction with its audit row and journey event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import grants, policy
from continuum.audit import log as audit
from continuum.cases.models import (
    Case,
    CaseParticipant,
    MandatedReport,
    ParticipantRole,
)
from continuum.coordination.models import (
    CaseTeamMember,
    ContactMethod,
    ContactOutcome,
    FollowUpContact,
    GoalStatus,
    PlanGoal,
    SupportPlan,
    Task,
    TaskKind,
    TeamRole,
)
from continuum.core import locking
from continuum.core.htcds import SupportPlanType
from continuum.core.locking import check_version, save_new_version, seen_of
from continuum.core.validation import check_moments
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.org.models import Agency, Role, User
from continuum.people.models import Person


@policy.atomic_action
def task_complete(*, actor: User, task: Task, advocate: User | None = None) -> Task:
    """Mark a task done, with what its kind means: the mandated report is sent; the advocate is
    assigned (and joins the case team). A task is done once only."""
    policy.require(actor, "task.complete", task)
    locked = Task.objects.select_for_update().select_related("case").get(pk=task.pk)
    if locked.done_at is not None:
        raise ValidationError(_("This task is already done."))
    now = timezone.now()
    if locked.kind == TaskKind.MANDATED_REPORT:
        MandatedReport.objects.filter(case=locked.case, sent_at=None).update(sent_at=now)
        journey_record(
            case_id=locked.case_id, kind=EventKind.REPORTED_TO_CHILD_WELFARE, actor=actor, occurred_at=now
        )
    elif locked.kind == TaskKind.ASSIGN_ADVOCATE:
        membership = getattr(advocate, "membership", None)
        if (
            advocate is None
            or membership is None
            or membership.role != Role.ADVOCATE
            or not membership.active
        ):
            raise ValidationError({"advocate": _("Choose the advocate who takes the case.")})
        if membership.agency_id != locked.agency_id:
            raise ValidationError({"advocate": _("The advocate must work for the agency the task is for.")})
        member = CaseTeamMember.objects.create(
            case=locked.case,
            user=advocate,
            agency_id=membership.agency_id,
            team_role=TeamRole.ADVOCATE,
            added_by=actor,
        )
        grants.refresh(member)
        journey_record(
            case_id=locked.case_id,
            kind=EventKind.ADVOCATE_ASSIGNED,
            actor=actor,
            occurred_at=now,
            data={"advocate": advocate.pk},
        )
    locked.done_at = now
    locked.save(update_fields=["done_at", "updated_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=locked,
        case_id=locked.case_id,
        fields=["done_at"],
        detail={"kind": locked.kind},
    )
    return locked


@policy.atomic_action
def team_add(*, actor: User, case: Case, user: User | None, agency: Agency, team_role: str) -> CaseTeamMember:
    """Put a staff member (or, with no user, a partner agency) on the case team."""
    policy.require(actor, "team_member.add", case=case)
    if team_role not in TeamRole.values:
        raise ValidationError({"team_role": _("Choose a role on the team.")})
    if user is not None:
        membership = getattr(user, "membership", None)
        if membership is None or not membership.active or membership.agency_id != agency.pk:
            raise ValidationError({"user": _("The person must be an active member of that agency.")})
        if CaseTeamMember.objects.filter(case=case, user=user, removed_at=None).exists():
            raise ValidationError({"user": _("This person is already on the team.")})
    member = CaseTeamMember.objects.create(
        case=case, user=user, agency=agency, team_role=team_role, added_by=actor
    )
    grants.refresh(member)
    audit.record(
        actor=actor,
        action="create",
        obj=member,
        case_id=case.pk,
        detail={"agency": agency.pk, "role": team_role},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.CASE_TEAM_JOINED,
        actor=actor,
        data={"agency": agency.pk, "role": team_role},
    )
    return member


@policy.atomic_action
def team_remove(*, actor: User, member: CaseTeamMember) -> CaseTeamMember:
    """Take a member off the case team (once; removing again changes nothing)."""
    policy.require(actor, "team_member.remove", member)
    locked = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
    if locked.removed_at is None:
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at", "updated_at"])
        grants.refresh(locked)
        audit.record(actor=actor, action="update", obj=locked, case_id=locked.case_id, fields=["removed_at"])
    return locked


TASK_TITLE_MAX = 160


def _require_staff_of(user: User | None, agency: Agency, field: str) -> None:
    membership = getattr(user, "membership", None)
    if user is None or membership is None or not membership.active or not user.is_active:
        raise ValidationError({field: _("Choose an active staff member.")})
    if membership.agency_id != agency.pk:
        raise ValidationError({field: _("The person must work for the agency the task is for.")})


def _task_agencies(case: Case) -> set[int]:
    """The agencies a task on this case may be for: the lead agency and every agency on the team."""
    on_team = set(
        CaseTeamMember.objects.filter(case=case, removed_at=None).values_list("agency_id", flat=True)
    )
    return on_team | {case.lead_agency_id}


@policy.atomic_action
def task_create(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    title: str,
    due_at: dt.datetime,
    assignee: User | None = None,
    kind: str = TaskKind.OTHER,
) -> Task:
    """A task with an owner (an agency on the case team or the lead agency, and optionally one of
    its staff) and a deadline that the work queue counts when missed."""
    policy.require(actor, "task.create", case=case)
    check_moments(due_at=due_at)
    text = " ".join(title.split())
    errors: dict[str, str] = {}
    if kind not in {TaskKind.OTHER, TaskKind.FOLLOW_UP_CONTACT, TaskKind.PLAN_GOAL, TaskKind.MDT_ACTION}:
        errors["kind"] = _("Choose what kind of task this is.")
    if not text:
        errors["title"] = _("Say in a few words what is to be done.")
    elif len(text) > TASK_TITLE_MAX:
        errors["title"] = _("Keep it under %(n)d characters.") % {"n": TASK_TITLE_MAX}
    if agency.pk not in _task_agencies(case):
        errors["agency"] = _("A task is for the lead agency or an agency on the case team.")
    if due_at <= timezone.now():
        errors["due_at"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    if assignee is not None:
        _require_staff_of(assignee, agency, "assignee")
    task = Task.objects.create(
        case=case, kind=kind, title=text, agency=agency, assignee=assignee, due_at=due_at, created_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=task,
        case_id=case.pk,
        fields=["title", "agency", "assignee", "due_at"],
        detail={"kind": kind},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.TASK_ASSIGNED,
        actor=actor,
        data={"task": task.pk, "task_kind": kind, "agency": agency.pk},
    )
    return task


@policy.atomic_action
def task_assign(
    *, actor: User, task: Task, expected_version: int, assignee: User | None, due_at: dt.datetime
) -> Task:
    """Give an open task to someone of its agency and (re)set its deadline; a stale edit is
    refused with what changed (StaleEdit), nothing saved."""
    policy.require(actor, "task.edit", task)
    check_moments(due_at=due_at)
    locked = locking.locked(
        Task.objects.select_related("agency"),
        task.pk,
        expected_version,
        seen=seen_of(task, ("assignee_id", "due_at", "done_at")),
    )
    if locked.done_at is not None:
        raise ValidationError(_("This task is already done."))
    if assignee is not None:
        _require_staff_of(assignee, locked.agency, "assignee")
    if due_at != locked.due_at and due_at <= timezone.now():
        raise ValidationError({"due_at": _("The deadline must be in the future.")})
    changed_fields = [
        name
        for name, value in (("assignee", getattr(assignee, "pk", None)), ("due_at", due_at))
        if value != getattr(locked, f"{name}_id" if name == "assignee" else name)
    ]
    locked.assignee = assignee
    locked.due_at = due_at
    save_new_version(locked, ["assignee", "due_at"])
    audit.record(actor=actor, action="update", obj=locked, case_id=locked.case_id, fields=changed_fields)
    if "assignee" in changed_fields and assignee is not None:
        journey_record(
            case_id=locked.case_id,
            kind=EventKind.TASK_ASSIGNED,
            actor=actor,
            data={"task": locked.pk, "task_kind": locked.kind, "agency": locked.agency_id},
        )
    return locked


FOLLOW_UP_DUE_HOUR = 17


def _require_survivor_of(case: Case, survivor: Person) -> None:
    if not CaseParticipant.objects.filter(case=case, person=survivor, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError({"survivor": _("This person is not a survivor in this case.")})


@policy.atomic_action
def follow_up_record(
    *,
    actor: User,
    case: Case,
    survivor: Person,
    contacted_at: dt.datetime,
    method: str,
    outcome: str,
    next_contact_on: dt.date | None = None,
) -> FollowUpContact:
    """A follow-up contact (or attempt) with a survivor. Open follow-up tasks of the actor's agency
    on the case are done by it; a next date becomes a new follow-up task for the actor."""
    policy.require(actor, "follow_up.record", case=case)
    check_moments(contacted_at=contacted_at, next_contact_on=next_contact_on)
    errors: dict[str, str] = {}
    if method not in ContactMethod.values:
        errors["method"] = _("Choose how the contact was made.")
    if outcome not in ContactOutcome.values:
        errors["outcome"] = _("Choose what came of it.")
    now = timezone.now()
    if contacted_at > now:
        errors["contacted_at"] = _("A contact cannot be in the future.")
    if next_contact_on is not None and next_contact_on <= timezone.localtime(contacted_at).date():
        errors["next_contact_on"] = _("The next contact must come after this one.")
    if errors:
        raise ValidationError(errors)
    _require_survivor_of(case, survivor)
    agency = actor.membership.agency
    contact = FollowUpContact.objects.create(
        case=case,
        survivor=survivor,
        contacted_at=contacted_at,
        method=method,
        outcome=outcome,
        agency=agency,
        made_by=actor,
        next_contact_on=next_contact_on,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=contact,
        case_id=case.pk,
        fields=["contacted_at", "method", "outcome", "next_contact_on"],
    )
    journey_record(
        case_id=case.pk,
        person_id=survivor.pk,
        kind=EventKind.FOLLOW_UP_CONTACT,
        actor=actor,
        occurred_at=contacted_at,
        data={"method": method, "outcome": outcome},
    )
    done = list(
        Task.objects.select_for_update().filter(
            case=case, agency=agency, kind=TaskKind.FOLLOW_UP_CONTACT, done_at=None
        )
    )
    for task in done:
        task.done_at = now
        save_new_version(task, ["done_at"])
        audit.record(actor=actor, action="update", obj=task, case_id=case.pk, fields=["done_at"])
    if next_contact_on is not None:
        due = timezone.make_aware(dt.datetime.combine(next_contact_on, dt.time(FOLLOW_UP_DUE_HOUR)))
        task = Task.objects.create(
            case=case,
            kind=TaskKind.FOLLOW_UP_CONTACT,
            agency=agency,
            assignee=actor,
            due_at=due,
            created_by=actor,
        )
        audit.record(actor=actor, action="create", obj=task, case_id=case.pk, fields=["due_at"])
    return contact


def _plan_errors(objectives: str, planned_end_date: dt.date | None, start: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not objectives.strip():
        errors["objectives"] = _("Write the plan's objectives, in the survivor's words where you can.")
    if planned_end_date is not None and planned_end_date < start:
        errors["planned_end_date"] = _("The planned end cannot be before the plan begins.")
    return errors


@policy.atomic_action
def plan_create(
    *,
    actor: User,
    case: Case,
    survivor: Person,
    plan_type: str,
    objectives: str,
    action_plan: str = "",
    planned_end_date: dt.date | None = None,
) -> SupportPlan:
    """One support plan of an HTCDS type for a survivor; one open plan per type."""
    policy.require(actor, "support_plan.create", case=case)
    check_moments(planned_end_date=planned_end_date)
    errors = _plan_errors(objectives, planned_end_date, timezone.localdate())
    if plan_type not in SupportPlanType.values:
        errors["plan_type"] = _("Choose the kind of plan.")
    if errors:
        raise ValidationError(errors)
    _require_survivor_of(case, survivor)
    if SupportPlan.objects.filter(
        case=case, survivor=survivor, plan_type=plan_type, actual_end_date=None
    ).exists():
        raise ValidationError({"plan_type": _("This survivor already has an open plan of this kind.")})
    plan = SupportPlan.objects.create(
        case=case,
        survivor=survivor,
        plan_type=plan_type,
        objectives=objectives.strip(),
        action_plan=action_plan.strip(),
        planned_end_date=planned_end_date,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        obj=plan,
        case_id=case.pk,
        fields=["objectives", "action_plan", "planned_end_date"],
        detail={"plan_type": plan_type},
    )
    journey_record(
        case_id=case.pk,
        person_id=survivor.pk,
        kind=EventKind.CASE_PLAN_SET,
        actor=actor,
        data={"plan": str(plan.pk), "plan_type": plan_type},
    )
    return plan


PLAN_EDITABLE = ("objectives", "action_plan", "planned_end_date", "actual_end_date")


@policy.atomic_action
def plan_update(
    *, actor: User, plan: SupportPlan, expected_version: int, changes: dict[str, Any]
) -> SupportPlan:
    """Change a plan if nobody changed it since `expected_version` (StaleEdit otherwise)."""
    policy.require(actor, "support_plan.edit", plan)
    check_moments(**{k: v for k, v in changes.items() if k.endswith("_date")})
    unknown = set(changes) - set(PLAN_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    locked = locking.locked(SupportPlan.objects, plan.pk, expected_version, seen=seen_of(plan, PLAN_EDITABLE))
    merged = {name: getattr(locked, name) for name in PLAN_EDITABLE} | changes
    errors = _plan_errors(str(merged["objectives"]), merged["planned_end_date"], locked.created_at.date())
    ended = merged["actual_end_date"]
    if ended is not None and (ended > timezone.localdate() or ended < locked.created_at.date()):
        errors["actual_end_date"] = _("The plan ended between its start and today.")
    if errors:
        raise ValidationError(errors)
    fields = [name for name in PLAN_EDITABLE if merged[name] != getattr(locked, name)]
    for name in fields:
        value = merged[name]
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    save_new_version(locked, fields)
    audit.record(actor=actor, action="update", obj=locked, case_id=locked.case_id, fields=fields)
    return locked


@policy.atomic_action
def goal_add(
    *,
    actor: User,
    plan: SupportPlan,
    description: str,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> PlanGoal:
    """A goal of a plan; with an owner agency and a date it becomes that agency's task."""
    policy.require(actor, "plan_goal.add", case=plan.case)
    check_moments(due_on=due_on)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Say what the goal is.")
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = _("The target date cannot be in the past.")
    if plan.actual_end_date is not None:
        errors["description"] = _("This plan has ended; start a new one.")
    if owner_agency is not None and owner_agency.pk not in _task_agencies(plan.case):
        errors["owner_agency"] = _("A goal is owned by the lead agency or an agency on the case team.")
    if errors:
        raise ValidationError(errors)
    goal = PlanGoal.objects.create(
        plan=plan, description=description.strip(), owner_agency=owner_agency, due_on=due_on, created_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=goal,
        case_id=plan.case_id,
        fields=["description", "owner_agency", "due_on"],
    )
    journey_record(
        case_id=plan.case_id,
        person_id=plan.survivor_id,
        kind=EventKind.PLAN_GOAL_SET,
        actor=actor,
        data={"plan": str(plan.pk), "goal": str(goal.pk), "plan_type": plan.plan_type},
    )
    if owner_agency is not None and due_on is not None:
        due = timezone.make_aware(dt.datetime.combine(due_on, dt.time(FOLLOW_UP_DUE_HOUR)))
        task = Task.objects.create(
            case_id=plan.case_id, kind=TaskKind.PLAN_GOAL, agency=owner_agency, due_at=due, created_by=actor
        )
        audit.record(actor=actor, action="create", obj=task, case_id=plan.case_id, fields=["due_at"])
    return goal


@policy.atomic_action
def goal_close(*, actor: User, goal: PlanGoal, status: str, expected_version: int) -> PlanGoal:
    """A goal met, or no longer pursued; once only, and not over someone else's newer change."""
    policy.require(actor, "plan_goal.close", goal)
    if status not in {GoalStatus.MET, GoalStatus.DROPPED}:
        raise ValidationError({"status": _("Choose whether the goal was met or dropped.")})
    locked = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if locked.status != GoalStatus.OPEN:
        raise ValidationError(_("This goal is closed already."))
    check_version(locked, expected_version, seen={"status": goal.status})
    locked.status = status
    locked.closed_at = timezone.now()
    save_new_version(locked, ["status", "closed_at"])
    audit.record(
        actor=actor,
        action="update",
        obj=locked,
        case_id=locked.plan.case_id,
        fields=["status", "closed_at"],
        detail={"status": status},
    )
    if status == GoalStatus.MET:
        journey_record(
            case_id=locked.plan.case_id,
            person_id=locked.plan.survivor_id,
            kind=EventKind.PLAN_GOAL_MET,
            actor=actor,
            data={"plan": str(locked.plan_id), "goal": str(locked.pk), "plan_type": locked.plan.plan_type},
        )
    return locked


TELL_SURVIVOR_WITHIN = dt.timedelta(days=7)


def court_order_task(*, order: Any, case: Case, actor: User) -> Task:
    """The task for the case's lead agency to tell the survivor of a court order within seven days
    (registered with the access layer, which records the order: continuum/access/registry.py).

    An internal hook: called only by access.actions.court_order_record, inside its transaction,
    after that action asked the policy (`court_order.record`); it does not ask again."""
    return Task.objects.create(
        case=case,
        kind=TaskKind.TELL_SURVIVOR_OF_COURT_ORDER,
        agency=case.lead_agency,
        due_at=timezone.now() + TELL_SURVIVOR_WITHIN,
        created_by=actor,
    )
