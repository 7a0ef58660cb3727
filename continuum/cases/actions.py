"""Writes on cases with consequences: each one transaction with its audit row and journey event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuum.access import grants
from continuum.access.models import Agency, Role, User
from continuum.audit import log as audit
from continuum.cases.classification import AgeGroup, age_group_of, combine_types, trafficking_type_of
from continuum.cases.models import (
    Case,
    CaseNote,
    CaseParticipant,
    CaseTeamMember,
    ClosureReason,
    ContactMethod,
    ContactOutcome,
    CourtOrder,
    Exploitation,
    FollowUpContact,
    GoalStatus,
    MandatedReport,
    MdtAgendaItem,
    MdtAttendance,
    MdtMeeting,
    MdtMinute,
    MeetingStatus,
    ParticipantRole,
    PlanGoal,
    SupportPlan,
    SurvivorAccount,
    Task,
    TaskKind,
    TeamRole,
)
from continuum.core import locking
from continuum.core.htcds import CaseStatus, MethodOfControl, SupportPlanType, TypeOfExploitation
from continuum.core.locking import check_version, save_new_version, seen_of, update_if_version
from continuum.core.sensitivity import InfoCategory
from continuum.core.validation import check_moments
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.people.models import Person

TELL_SURVIVOR_WITHIN = dt.timedelta(days=7)


@transaction.atomic
def court_order_record(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    categories: Iterable[str],
    docket_reference: str,
    issued_on: dt.date,
    expires_at: dt.datetime,
) -> CourtOrder:
    """A court order opening categories of a case to an agency: the minimum fields, an audit row,
    and a task for the case's lead agency to tell the survivor within seven days."""
    check_moments(issued_on=issued_on, expires_at=expires_at)
    chosen = sorted(set(categories))
    errors: dict[str, str] = {}
    if not chosen or not set(chosen) <= set(InfoCategory.values):
        errors["categories"] = _("Choose the categories the order covers.")
    if InfoCategory.PRIVILEGED_NOTES in chosen:
        errors["categories"] = _("Privileged advocate notes are never opened by this system.")
    if expires_at <= timezone.now():
        errors["expires_at"] = _("The order must end in the future.")
    reference = docket_reference.strip()
    if not reference or len(reference) > 64:
        errors["docket_reference"] = _("Give the docket number (at most 64 characters).")
    if errors:
        raise ValidationError(errors)
    order = CourtOrder.objects.create(
        case=case,
        agency=agency,
        categories=chosen,
        docket_reference=reference,
        issued_on=issued_on,
        expires_at=expires_at,
        recorded_by=actor,
    )
    grants.refresh(order)
    Task.objects.create(
        case=case,
        kind=TaskKind.TELL_SURVIVOR_OF_COURT_ORDER,
        agency=case.lead_agency,
        due_at=timezone.now() + TELL_SURVIVOR_WITHIN,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="court_order",
        obj=order,
        case_id=case.pk,
        fields=["categories", "agency"],
        detail={"agency": agency.pk, "categories": chosen},
        flagged=True,
    )
    journey_record(
        case_id=case.pk, kind=EventKind.COURT_ORDER_RECORDED, actor=actor, data={"agency": agency.pk}
    )
    return order


@transaction.atomic
def note_add(*, actor: User, case: Case, body: str, privileged: bool = True) -> CaseNote:
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, privileged=privileged, body=text)
    audit.record(actor=actor, action="create", obj=note, case_id=case.pk, fields=["body"])
    return note


@transaction.atomic
def task_complete(*, actor: User, task: Task, advocate: User | None = None) -> Task:
    """Mark a task done, with what its kind means: the mandated report is sent; the advocate is
    assigned (and joins the case team). A task is done once only."""
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


# The screening's means of control, as HTCDS vic_MethodsOfControl values.
MEANS_TO_HTCDS = {
    "physical_abuse": MethodOfControl.PHYSICAL_ABUSE,
    "sexual_abuse": MethodOfControl.SEXUAL_ABUSE,
    "false_promises": MethodOfControl.FALSE_PROMISES,
    "debt_bondage": MethodOfControl.DEBT_BONDAGE,
    "threats": MethodOfControl.PHYSICAL_THREATS,
    "threats_law_enforcement": MethodOfControl.THREATS_LAW_ENFORCEMENT,
    "withholding_documents": MethodOfControl.WITHHOLDS_DOCUMENTS,
    "psychological_abuse": MethodOfControl.PSYCHOLOGICAL_ABUSE,
    "financial_control": MethodOfControl.RESTRICTS_FINANCIAL_ACCESS,
    "substance_control": MethodOfControl.PSYCHOACTIVE_SUBSTANCE,
    "restricting_movement": MethodOfControl.OTHER,
    "isolation": MethodOfControl.OTHER,
}


@transaction.atomic
def case_classify_from_screening(
    *,
    actor: User,
    case: Case,
    person: Person,
    trafficking_type: str | None,
    minor: bool | None,
    elements: Iterable[str],
    stated_age: int | None,
) -> Case:
    """Carry what a screening found into the survivor's exploitation record (types, means of
    control, the stated age when no date of birth is known) and derive the case's type and
    child/adult status again from the records, as everywhere else."""
    exploitation = Exploitation.objects.filter(case=case, survivor=person).order_by("created_at").first()
    if exploitation is None:
        exploitation = Exploitation.objects.create(case=case, survivor=person)
    types = set(exploitation.types)
    if trafficking_type in {"sex", "both"}:
        types.add(TypeOfExploitation.SEXUAL_EXPLOITATION)
    if trafficking_type in {"labor", "both"}:
        types.add(TypeOfExploitation.CHILD_LABOUR if minor else TypeOfExploitation.FORCED_LABOUR)
    controls = set(exploitation.methods_of_control)
    for element in elements:
        kind, _, code = element.partition(":")
        if kind == "means" and code in MEANS_TO_HTCDS:
            controls.add(MEANS_TO_HTCDS[code])
    exploitation.types = sorted(types)
    exploitation.methods_of_control = sorted(controls)
    if stated_age is not None and person.birth_date is None:
        exploitation.stated_age = stated_age
    save_new_version(exploitation, ["types", "methods_of_control", "stated_age"])
    records = list(Exploitation.objects.filter(case=case).select_related("survivor"))
    case.trafficking_type = combine_types(trafficking_type_of(e.types) for e in records)
    age_group = age_group_of(e.age_at_exploitation for e in records)
    if age_group == AgeGroup.UNKNOWN and minor is not None:
        age_group = AgeGroup.MINOR if minor else AgeGroup.ADULT
    case.age_group = age_group
    save_new_version(case, ["trafficking_type", "age_group"])
    audit.record(
        actor=actor,
        action="update",
        obj=exploitation,
        case_id=case.pk,
        fields=["types", "methods_of_control", "stated_age"],
    )
    return case


CASE_EDITABLE = ("town", "owner", "status")


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    changes: dict[str, Any],
    seen: dict[str, Any] | None = None,
) -> Case:
    """Change editable fields of a case if nobody changed it since `expected_version`; otherwise
    StaleEdit naming what differs from what the editor had `seen`. One conditional UPDATE: two
    people saving at the same moment cannot both win."""
    unknown = set(changes) - set(CASE_EDITABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    if changes.get("status") in {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}:
        raise ValidationError({"status": _("Close a case with its closure reason, not here.")})
    values = {_column(name): _pk(value) for name, value in changes.items()}
    current = update_if_version(
        Case.objects.select_related("town", "owner"),
        case.pk,
        expected_version,
        seen={name: value for name, value in (seen or {}).items() if name in CASE_EDITABLE},
        **values,
    )
    audit.record(actor=actor, action="update", obj=current, fields=sorted(changes))
    return current


def _column(name: str) -> str:
    return f"{name}_id" if name in {"town", "owner"} else name


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


@transaction.atomic
def team_add(*, actor: User, case: Case, user: User | None, agency: Agency, team_role: str) -> CaseTeamMember:
    """Put a staff member (or, with no user, a partner agency) on the case team."""
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


@transaction.atomic
def team_remove(*, actor: User, member: CaseTeamMember) -> CaseTeamMember:
    locked = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
    if locked.removed_at is None:
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at", "updated_at"])
        grants.refresh(locked)
        audit.record(actor=actor, action="update", obj=locked, case_id=locked.case_id, fields=["removed_at"])
    return locked


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, expected_version: int) -> Case:
    """Close a case with a reason; a transfer closes it as referred. Refused when someone changed
    the case since `expected_version` (StaleEdit) or when it is closed already."""
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose why the case closes.")})
    status = CaseStatus.CLOSED_REFERRED if reason == ClosureReason.TRANSFERRED else CaseStatus.CLOSED
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.status in {CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}:
        raise ValidationError(_("This case is closed already."))
    check_version(current, expected_version, seen={"status": case.status})
    current.status = status
    current.closure_reason = reason
    current.closed_on = timezone.localdate()
    save_new_version(current, ["status", "closure_reason", "closed_on"])
    audit.record(
        actor=actor,
        action="update",
        obj=current,
        fields=["status", "closure_reason", "closed_on"],
        detail={"reason": reason},
    )
    journey_record(case_id=case.pk, kind=EventKind.CASE_CLOSED, actor=actor, data={"reason": reason})
    return current


@transaction.atomic
def account_record(
    *, actor: User, case: Case, survivor: Person, body: str, language: str = ""
) -> SurvivorAccount:
    """Record the survivor's own account once; it is shared by consent (category `account`)."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write the account first.")})
    if not CaseParticipant.objects.filter(case=case, person=survivor, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError({"survivor": _("This person is not a survivor in this case.")})
    account = SurvivorAccount.objects.create(
        case=case, survivor=survivor, body=text, language=language, recorded_by=actor
    )
    audit.record(actor=actor, action="create", obj=account, case_id=case.pk, fields=["body"])
    return account


# --- tasks with owners -----------------------------------------------------------------------

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


@transaction.atomic
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


@transaction.atomic
def task_assign(
    *, actor: User, task: Task, expected_version: int, assignee: User | None, due_at: dt.datetime
) -> Task:
    """Give an open task to someone of its agency and (re)set its deadline; a stale edit is
    refused with what changed (StaleEdit), nothing saved."""
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


# --- follow-up contacts ----------------------------------------------------------------------

FOLLOW_UP_DUE_HOUR = 17


def _require_survivor_of(case: Case, survivor: Person) -> None:
    if not CaseParticipant.objects.filter(case=case, person=survivor, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError({"survivor": _("This person is not a survivor in this case.")})


@transaction.atomic
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


# --- the case plan -----------------------------------------------------------------------------


def _plan_errors(objectives: str, planned_end_date: dt.date | None, start: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not objectives.strip():
        errors["objectives"] = _("Write the plan's objectives, in the survivor's words where you can.")
    if planned_end_date is not None and planned_end_date < start:
        errors["planned_end_date"] = _("The planned end cannot be before the plan begins.")
    return errors


@transaction.atomic
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


@transaction.atomic
def plan_update(
    *, actor: User, plan: SupportPlan, expected_version: int, changes: dict[str, Any]
) -> SupportPlan:
    """Change a plan if nobody changed it since `expected_version` (StaleEdit otherwise)."""
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


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: SupportPlan,
    description: str,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> PlanGoal:
    """A goal of a plan; with an owner agency and a date it becomes that agency's task."""
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


@transaction.atomic
def goal_close(*, actor: User, goal: PlanGoal, status: str, expected_version: int) -> PlanGoal:
    """A goal met, or no longer pursued; once only, and not over someone else's newer change."""
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


# --- MDT meetings ------------------------------------------------------------------------------

MINUTE_CATEGORIES = tuple(c for c in InfoCategory.values if c != InfoCategory.PRIVILEGED_NOTES)


def _require_planned(meeting: MdtMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("This meeting is over; its record can no longer change."))


@transaction.atomic
def meeting_schedule(*, actor: User, scheduled_for: dt.datetime, place: str = "") -> MdtMeeting:
    """A coordinator schedules an MDT meeting of their region, and attends it."""
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


@transaction.atomic
def meeting_add_case(*, actor: User, meeting: MdtMeeting, case: Case) -> MdtAgendaItem:
    """Put a case of the meeting's region on its agenda (once)."""
    _require_planned(meeting)
    if case.region_id != meeting.region_id:
        raise ValidationError({"case": _("Only cases of the meeting's region go on its agenda.")})
    if MdtAgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError({"case": _("This case is on the agenda already.")})
    position = MdtAgendaItem.objects.filter(meeting=meeting).count() + 1
    item = MdtAgendaItem.objects.create(meeting=meeting, case=case, position=position, added_by=actor)
    audit.record(actor=actor, action="create", obj=item, case_id=case.pk, detail={"meeting": str(meeting.pk)})
    return item


@transaction.atomic
def meeting_invite(*, actor: User, meeting: MdtMeeting, user: User) -> MdtAttendance:
    """Invite a staff member of the region (or statewide) to the meeting."""
    _require_planned(meeting)
    membership = getattr(user, "membership", None)
    if membership is None or not membership.active or not user.is_active:
        raise ValidationError({"user": _("Choose an active staff member.")})
    if membership.agency.region_id not in {None, meeting.region_id} or membership.role in {
        Role.ADMIN,
        Role.ANALYST,
        Role.PROVIDER,
        Role.INTAKE,
    }:
        raise ValidationError({"user": _("Invite the case teams' staff of this region.")})
    if MdtAttendance.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": _("This person is invited already.")})
    row = MdtAttendance.objects.create(
        meeting=meeting, user=user, agency_id=membership.agency_id, recorded_by=actor
    )
    audit.record(actor=actor, action="create", obj=row, detail={"meeting": str(meeting.pk)})
    return row


@transaction.atomic
def attendance_record(*, actor: User, meeting: MdtMeeting, present: Iterable[int]) -> list[MdtAttendance]:
    """Who was there: every invited person is marked present or absent."""
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


@transaction.atomic
def minute_add(*, actor: User, item: MdtAgendaItem, category: str, body: str) -> MdtMinute:
    """A minute on an agenda item, in the information category its content belongs to: readers see
    it only where that category of the case is open to them. Never privileged notes."""
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


@transaction.atomic
def meeting_hold(*, actor: User, meeting: MdtMeeting, expected_version: int) -> MdtMeeting:
    """The meeting took place: every case on its agenda gets an MDT step in its journey."""
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


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: MdtMeeting, expected_version: int) -> MdtMeeting:
    current = _planned_meeting(meeting, expected_version)
    current.status = MeetingStatus.CANCELLED
    save_new_version(current, ["status"])
    audit.record(actor=actor, action="update", obj=current, fields=["status"])
    return current
