"""Case pages. Every case comes through the policy (access_case / restrict) and every read,
write and denial is audited by the policy or the action it calls.

Views are not wrapped in one transaction: each action is atomic together with its audit row,
and the audit row of a denial must survive the 404 that follows it.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import actions as access_actions
from continuum.access import policy
from continuum.access.decorators import fresh_second_factor_required, staff_required
from continuum.access.models import Agency, User
from continuum.access.selectors import advocates_for_tasks
from continuum.audit import log as audit
from continuum.audit.selectors import events_for_case
from continuum.cases import actions as case_actions
from continuum.cases.forms import (
    GOAL_CLOSING,
    BreakGlassForm,
    CaseEditForm,
    CaseFilterForm,
    ConsentForm,
    CourtOrderForm,
    FollowUpForm,
    GoalForm,
    MeetingForm,
    MinuteForm,
    PersonChoiceField,
    PlanEditForm,
    PlanForm,
    RevokeForm,
    TaskAssignForm,
    TaskForm,
    TeamAddForm,
)
from continuum.cases.models import MeetingStatus
from continuum.cases.paging import capped_page
from continuum.cases.selectors import (
    CaseFilters,
    agenda_candidates,
    case_detail,
    case_list,
    chairs,
    consent_form_choices,
    consent_of,
    consents_of,
    court_orders_of,
    edit_choices,
    follow_ups_of,
    goal_of,
    invite_candidates,
    is_name_search,
    meeting_for,
    meeting_view,
    meetings_for,
    people_labels,
    plan_of,
    plans_of,
    survivor_choices,
    survivors_of,
    survivors_shown,
    task_of,
    task_owner_choices,
    task_queue,
    team_choices,
    with_survivor_labels,
)
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.core.validation import parse_id

PAGE_SIZE = 25
LIST_FIELDS = ["reference", "region", "town", "age_group", "trafficking_type", "status"]
FormT = TypeVar("FormT", bound=Form)


@require_GET
@staff_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, "list"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="cases.Case",
            outcome="denied",
            detail={"attempted": "list"},
        )
        raise Http404("No such page.")
    form = CaseFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = CaseFilters.from_cleaned(form.cleaned_data) if form.is_bound and valid else CaseFilters()
    # The page and at most one capped COUNT (continuum/cases/paging.py), never the list twice.
    page = (
        capped_page(case_list(request.user, filters), request.GET.get("page"), per_page=PAGE_SIZE)
        if valid
        else None
    )
    similar = False
    if page is not None and page.count == 0 and is_name_search(filters):
        # No name begins so: try names that are close (misspelt), where the database can.
        similar = True
        filters = dataclasses.replace(filters, similar=True)
        page = capped_page(case_list(request.user, filters), request.GET.get("page"), per_page=PAGE_SIZE)
    flagged_ids: set[Any] = set()
    if page is not None:
        # Cases an administrator sees under break-glass: marked on the page, the read flagged.
        flagged_ids = policy.break_glass_case_ids(request.user, [case.pk for case in page.object_list])
        audit.record(
            actor=request.user,
            action="list",
            object_type="cases.Case",
            fields=LIST_FIELDS,
            flagged=bool(flagged_ids),
            detail={"count": len(page.object_list), "page": page.number, "break_glass": len(flagged_ids)},
        )
        # One row per case shown; those read under break-glass are flagged for review (item 8).
        shown = list(page.object_list)
        policy.audited_list(request.user, [c for c in shown if c.pk not in flagged_ids], fields=LIST_FIELDS)
        if flagged_ids:
            policy.audited_list(
                request.user, [c for c in shown if c.pk in flagged_ids], fields=LIST_FIELDS, flagged=True
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "similar": similar,
            "flagged_ids": flagged_ids,
        },
    )


@require_GET
@staff_required
def case_detail_view(request: HttpRequest, case_id: str) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "view")
    detail = case_detail(access)
    audit.record(
        actor=request.user,
        action="view",
        obj=access.case,
        fields=detail.shown_fields,
        flagged=access.flagged,
        detail={"relationships": sorted(access.relationships)},
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "detail": detail,
            "can_consent": access.allows("consent"),
            "can_audit": access.allows("audit"),
            "can_court_order": access.allows("court_order"),
            "can_do_tasks": access.allows("task"),
            "can_screen": access.allows("screen"),
            "can_services": access.allows("services"),
            "can_justice": access.allows("justice"),
            "can_prosecute": access.allows("prosecute"),
            "can_account": access.allows("account"),
            "can_edit": access.allows("update"),
            "can_team": access.allows("team"),
            "can_plan": access.allows("plan"),
            "can_follow_up": access.allows("follow_up"),
            "advocates": advocates_for_tasks(access) if access.allows("task") else [],
            "now": policy.clock(),
        },
    )


@require_GET
@staff_required
def case_audit_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Who saw this case: the coordinator's view of the audit log for one case."""
    access = policy.access_case(request.user, case_id, "audit")
    events = list(events_for_case(access.case.pk)[:500])
    users = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})}
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={e.agency_id for e in events if e.agency_id})}
    audit.record(actor=request.user, action="view_audit", obj=access.case, detail={"rows": len(events)})
    return render(
        request,
        "cases/case_audit.html",
        {
            "case": access.case,
            "rows": [(e, users.get(e.actor_id or 0), agencies.get(e.agency_id or 0)) for e in events],
        },
    )


def _consent_form(access: policy.CaseAccess, data: Any = None) -> ConsentForm:
    survivors, signers = consent_form_choices(access)
    agencies = Agency.objects.exclude(kind="system").order_by("name")
    return _named(
        ConsentForm(data, people={"survivors": survivors, "signers": signers}, agencies=agencies), access
    )


def _named(form: FormT, access: policy.CaseAccess) -> FormT:
    """The form, its people named as the policy lets this reader see them."""
    labels = people_labels(access)
    for field in form.fields.values():
        if isinstance(field, PersonChoiceField):
            field.labels = labels
    return form


@require_http_methods(["GET", "POST"])
@staff_required
def consents_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The survivor's consents on this case, and the advocate's form to record a new one."""
    access = policy.access_case(request.user, case_id, "consent")
    form = _consent_form(access, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            access_actions.consent_record(
                actor=request.user,
                case=access.case,
                survivor=form.cleaned_data["survivor"],
                agency=form.cleaned_data["agency"],
                categories=form.cleaned_data["categories"],
                method=form.cleaned_data["method"],
                expires_at=form.expires_at(),
                signed_by=form.cleaned_data["signed_by"],
                signer_relationship=form.cleaned_data["signer_relationship"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("cases:consents", case_id=access.case.pk)
    consents = consents_of(access)
    audit.record(actor=request.user, action="view_consents", obj=access.case)
    return render(
        request,
        "cases/consents.html",
        {
            "case": access.case,
            "form": form,
            "consents": consents,
            "revoke_form": RevokeForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def consent_revoke_view(request: HttpRequest, case_id: str, consent_id: int) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "consent")
    consent = consent_of(access, consent_id)
    if consent is None:
        raise Http404("No such consent.")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the survivor revoked consent."))
        return redirect("cases:consents", case_id=access.case.pk)
    assert isinstance(request.user, User)
    try:
        access_actions.consent_revoke(actor=request.user, consent=consent, method=form.cleaned_data["method"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Consent revoked. The agency lost access at once."))
    return redirect("cases:consents", case_id=access.case.pk)


@require_http_methods(["GET", "POST"])
@staff_required
@fresh_second_factor_required()
def break_glass_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """An administrator asks for emergency access to one case (reason, fresh second factor)."""
    access = policy.access_case(request.user, case_id, "break_glass", audit_read=True)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            access_actions.break_glass_start(
                actor=request.user, case=access.case, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.warning(
                request, _("Break-glass access for 60 minutes. Every page you open is flagged for review.")
            )
            return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "cases/break_glass.html",
        {"case": access.case, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def court_orders_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """A coordinator records a court order: the minimum fields, and a task to tell the survivor."""
    access = policy.access_case(request.user, case_id, "court_order")
    form = CourtOrderForm(
        request.POST or None, agencies=Agency.objects.exclude(kind="system").order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            case_actions.court_order_record(
                actor=request.user,
                case=access.case,
                agency=form.cleaned_data["agency"],
                categories=form.cleaned_data["categories"],
                docket_reference=form.cleaned_data["docket_reference"],
                issued_on=form.cleaned_data["issued_on"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Court order recorded; the survivor is to be told within seven days.")
            )
            return redirect("cases:court_orders", case_id=access.case.pk)
    audit.record(actor=request.user, action="view_court_orders", obj=access.case)
    return render(
        request,
        "cases/court_orders.html",
        {
            "case": access.case,
            "form": form,
            "orders": court_orders_of(access),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@staff_required
def task_queue_view(request: HttpRequest) -> HttpResponse:
    """The work queue: open tasks on the cases this user may see, overdue first, and the overdue
    count per agency."""
    now = policy.clock()
    queue = task_queue(request.user, now, request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="list",
        object_type="cases.Task",
        detail={"count": len(queue.tasks), "page": queue.page.number},
    )
    policy.audited_list(request.user, [task.case_id for task in queue.tasks])
    return render(
        request, "cases/task_queue.html", {"queue": queue, "page": queue.page, "query": "", "now": now}
    )


@require_POST
@staff_required
def task_done_view(request: HttpRequest, case_id: str, task_id: int) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "task")
    task = task_of(access, task_id)
    if task is None:
        raise Http404("No such task.")
    actor = policy.actor_of(request.user)
    if actor is None or (actor.agency_id != task.agency_id and actor.role != "coordinator"):
        messages.error(request, _("This task belongs to %(agency)s.") % {"agency": task.agency.name})
        return redirect("cases:detail", case_id=access.case.pk)
    assert isinstance(request.user, User)
    advocate = None
    if request.POST.get("advocate"):
        advocate_id = parse_id(request.POST["advocate"])
        if advocate_id is None:
            messages.error(request, _("Choose the advocate from the list."))
            return redirect("cases:detail", case_id=access.case.pk)
        advocate = User.objects.filter(pk=advocate_id).select_related("membership").first()
    try:
        case_actions.task_complete(actor=request.user, task=task, advocate=advocate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Task done."))
    return redirect("cases:detail", case_id=access.case.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def case_edit_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Edit a case; a stale edit is refused with 409 and shows what the other person changed."""
    access = policy.access_case(request.user, case_id, "update", audit_read=True)
    case = access.case
    towns, owners = edit_choices(access)
    initial = {
        "version": case.version,
        "town": case.town_id,
        "owner": case.owner_id,
        "status": case.status,
        "seen_town": case.town_id or "",
        "seen_owner": case.owner_id or "",
        "seen_status": case.status,
    }
    form = CaseEditForm(request.POST or None, initial=initial, towns=towns, owners=owners)
    status, changed = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            assert isinstance(request.user, User)
            data = form.cleaned_data
            changes = {name: data[name] for name in ("town", "owner", "status")}
            try:
                case_actions.case_update(
                    actor=request.user,
                    case=case,
                    expected_version=data["version"],
                    changes=changes,
                    seen=form.seen(),
                )
            except StaleEdit as stale:
                # What the editor saw, as the page showed it (the form kept the ids).
                choices = {"town": towns, "owner": owners}
                changed = {
                    name: (choices[name].filter(pk=seen).first() if name in choices else seen, now)
                    for name, (seen, now) in stale.changed.items()
                }
                status = 409
                form = CaseEditForm(
                    initial={
                        "version": stale.current.version,
                        "town": stale.current.town_id,
                        "owner": stale.current.owner_id,
                        "status": stale.current.status,
                    },
                    towns=towns,
                    owners=owners,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Case saved."))
                return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "cases/case_edit.html", {"case": case, "form": form, "changed": changed}, status=status
    )


@require_http_methods(["GET", "POST"])
@staff_required
def team_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case team: who is on it, in what role; the coordinator adds and removes members."""
    access = policy.access_case(request.user, case_id, "team", audit_read=True)
    members, staff, agencies = team_choices(access)
    form = TeamAddForm(request.POST or None, members=staff, agencies=agencies)
    if request.method == "POST":
        assert isinstance(request.user, User)
        remove = request.POST.get("remove")
        if remove:
            member = next((m for m in members if str(m.pk) == remove), None)
            if member is None:
                raise Http404("No such team member.")
            case_actions.team_remove(actor=request.user, member=member)
            return redirect("cases:team", case_id=access.case.pk)
        if form.is_valid():
            user = form.cleaned_data["member"]
            agency = user.membership.agency if user else form.cleaned_data["agency"]
            try:
                case_actions.team_add(
                    actor=request.user,
                    case=access.case,
                    user=user,
                    agency=agency,
                    team_role=form.cleaned_data["team_role"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Added to the case team."))
                return redirect("cases:team", case_id=access.case.pk)
    return render(
        request,
        "cases/team.html",
        {"case": access.case, "members": members, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def case_close_view(request: HttpRequest, case_id: str) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "update")
    assert isinstance(request.user, User)
    try:
        case_actions.case_close(
            actor=request.user,
            case=access.case,
            reason=request.POST.get("reason", ""),
            expected_version=parse_version(request.POST.get("version")),
        )
    except StaleEdit as stale:
        messages.error(request, stale_summary(stale))
        return redirect("cases:edit", case_id=access.case.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:edit", case_id=access.case.pk)
    messages.success(request, _("Case closed."))
    return redirect("cases:detail", case_id=access.case.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def account_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The survivor's own account, told once: the advocate records it; others read it by consent."""
    access = policy.access_case(request.user, case_id, "account", audit_read=True)
    survivors = survivors_of(access)
    error = ""
    if request.method == "POST":
        assert isinstance(request.user, User)
        survivor = next((s for s in survivors if str(s.pk) == request.POST.get("survivor")), None)
        try:
            if survivor is None:
                raise ValidationError(_("Choose the survivor whose account this is."))
            case_actions.account_record(
                actor=request.user,
                case=access.case,
                survivor=survivor,
                body=request.POST.get("body", ""),
                language=request.POST.get("language", ""),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The account is recorded once; share it by consent."))
            return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "cases/account.html",
        {
            "case": access.case,
            "survivors": survivors_shown(access),
            "error": error,
            "body": request.POST.get("body", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _may_work_task(request: HttpRequest, agency_id: int) -> bool:
    """A task is worked by its own agency, or by the region's coordinator."""
    actor = policy.actor_of(request.user)
    return actor is not None and (actor.agency_id == agency_id or actor.role == "coordinator")


def _task_from(request: HttpRequest, access: policy.CaseAccess, form: TaskForm, kind: str = "other") -> None:
    assert isinstance(request.user, User)
    data = form.cleaned_data
    case_actions.task_create(
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
    access = policy.access_case(request.user, case_id, "task", audit_read=True)
    agencies, staff = task_owner_choices(access)
    form = TaskForm(request.POST or None, agencies=agencies, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            _task_from(request, access, form)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "cases/task_form.html",
        {"case": access.case, "form": form, "task": None, "changed": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def task_edit_view(request: HttpRequest, case_id: str, task_id: int) -> HttpResponse:
    """Give a task to someone of its agency, or move its deadline; a stale edit gets 409."""
    access = policy.access_case(request.user, case_id, "task", audit_read=True)
    task = task_of(access, task_id)
    if task is None:
        raise Http404("No such task.")
    if not _may_work_task(request, task.agency_id):
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
                case_actions.task_assign(
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
                _add_errors(form, error)
            else:
                messages.success(request, _("Task saved."))
                return redirect("cases:detail", case_id=access.case.pk)
    return render(
        request,
        "cases/task_form.html",
        {"case": access.case, "form": form, "task": task, "changed": changed},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def follow_ups_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Follow-up contacts with the survivor: when, how, what came of it, and when the next is due."""
    access = policy.access_case(request.user, case_id, "follow_up")
    form = _named(FollowUpForm(request.POST or None, people=survivor_choices(access)), access)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        data = form.cleaned_data
        try:
            case_actions.follow_up_record(
                actor=request.user,
                case=access.case,
                survivor=data["survivor"],
                contacted_at=data["contacted_at"],
                method=data["method"],
                outcome=data["outcome"],
                next_contact_on=data["next_contact_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("cases:follow_ups", case_id=access.case.pk)
    contacts = follow_ups_of(access)
    audit.record(
        actor=request.user,
        action="list",
        object_type="cases.FollowUpContact",
        case_id=access.case.pk,
        fields=["contacted_at", "method", "outcome", "next_contact_on"],
        detail={"count": len(contacts)},
    )
    return render(
        request,
        "cases/follow_ups.html",
        {"case": access.case, "form": form, "contacts": with_survivor_labels(access, contacts)},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def plan_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case plan: HTCDS support plans per survivor with their goals. One page, three forms
    (`op`: a new plan, a goal, a goal met or dropped)."""
    access = policy.access_case(request.user, case_id, "plan")
    if not access.shows("plan"):
        raise Http404("No such page.")
    agencies, _staff = task_owner_choices(access)
    plans = plans_of(access)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    plan_form = _named(
        PlanForm(request.POST if op == "plan" else None, people=survivor_choices(access)), access
    )
    goal_form = GoalForm(request.POST if op == "goal" else None, agencies=agencies)
    if request.method == "POST":
        assert isinstance(request.user, User)
        try:
            if op == "plan" and plan_form.is_valid():
                data = plan_form.cleaned_data
                case_actions.plan_create(
                    actor=request.user,
                    case=access.case,
                    survivor=data["survivor"],
                    plan_type=data["plan_type"],
                    objectives=data["objectives"],
                    action_plan=data["action_plan"],
                    planned_end_date=data["planned_end_date"],
                )
                messages.success(request, _("Plan recorded."))
                return redirect("cases:plan", case_id=access.case.pk)
            if op == "goal" and goal_form.is_valid():
                plan = next((p for p in plans if str(p.pk) == request.POST.get("plan")), None)
                if plan is None:
                    raise ValidationError(_("Choose the plan the goal belongs to."))
                data = goal_form.cleaned_data
                case_actions.goal_add(
                    actor=request.user,
                    plan=plan,
                    description=data["description"],
                    owner_agency=data["owner_agency"],
                    due_on=data["due_on"],
                )
                messages.success(request, _("Goal added."))
                return redirect("cases:plan", case_id=access.case.pk)
            if op == "close_goal":
                goal = goal_of(access, _uuid_or_none(request.POST.get("goal", "")))
                if goal is None:
                    raise Http404("No such goal.")
                case_actions.goal_close(
                    actor=request.user,
                    goal=goal,
                    status=request.POST.get("status", ""),
                    expected_version=parse_version(request.POST.get("version")),
                )
                messages.success(request, _("Goal closed."))
                return redirect("cases:plan", case_id=access.case.pk)
            if op not in {"plan", "goal"}:
                raise ValidationError(_("Nothing to do."))
        except StaleEdit as stale:
            messages.error(request, stale_summary(stale))
            return redirect("cases:plan", case_id=access.case.pk)
        except ValidationError as error:
            target = plan_form if op == "plan" else goal_form
            if op in {"plan", "goal"}:
                _add_errors(target, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("cases:plan", case_id=access.case.pk)
    audit.record(
        actor=request.user,
        action="view",
        obj=access.case,
        fields=["plans", "objectives", "action_plan", "goals"],
        detail={"count": len(plans)},
    )
    return render(
        request,
        "cases/plan.html",
        {
            "case": access.case,
            "plans": with_survivor_labels(access, plans),
            "plan_form": plan_form,
            "goal_form": goal_form,
            "goal_closing": GOAL_CLOSING,
        },
        status=400 if request.method == "POST" else 200,
    )


def _uuid_or_none(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


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
                case_actions.plan_update(
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
                _add_errors(form, error)
            else:
                messages.success(request, _("Plan saved."))
                return redirect("cases:plan", case_id=access.case.pk)
    audit.record(actor=request.user, action="view", obj=plan, case_id=access.case.pk, fields=list(fields))
    return render(
        request,
        "cases/plan_edit.html",
        {"case": access.case, "plan": plan, "form": form, "changed": changed},
        status=status,
    )


# --- MDT meetings: regional work, each case on the agenda through the policy -------------------


@require_http_methods(["GET", "POST"])
@staff_required
def mdt_list_view(request: HttpRequest) -> HttpResponse:
    """The MDT meetings a user takes part in; a coordinator schedules their region's meetings."""
    if not policy.may(request.user, "mdt"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="cases.MdtMeeting",
            outcome="denied",
            detail={"attempted": "mdt"},
        )
        raise Http404("No such page.")
    actor = policy.actor_of(request.user)
    may_schedule = actor is not None and actor.role == "coordinator" and actor.region_id is not None
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not may_schedule:
            raise Http404("No such page.")
        if form.is_valid():
            assert isinstance(request.user, User)
            try:
                meeting = case_actions.meeting_schedule(
                    actor=request.user,
                    scheduled_for=form.cleaned_data["scheduled_for"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("Meeting scheduled. Now put cases on its agenda and invite the team.")
                )
                return redirect("cases:mdt_meeting", meeting_id=meeting.pk)
    meetings = list(meetings_for(request.user)[:100])
    audit.record(
        actor=request.user, action="list", object_type="cases.MdtMeeting", detail={"count": len(meetings)}
    )
    return render(
        request,
        "cases/mdt_list.html",
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
    meeting = (
        meeting_for(request.user, _uuid_or_none(meeting_id)) if policy.may(request.user, "mdt") else None
    )
    if meeting is None:
        audit.record(
            actor=request.user,
            action="deny",
            object_type="cases.MdtMeeting",
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
        return redirect("cases:mdt_meeting", meeting_id=meeting.pk)
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
    return render(request, "cases/mdt_meeting.html", context)


def _meeting_op(request: HttpRequest, meeting: Any, op: str, minute_form: MinuteForm) -> None:
    """One change to a meeting by its chair; raises ValidationError with the user's message."""
    assert isinstance(request.user, User)
    post = request.POST
    if op == "add_case":
        key = _uuid_or_none(post.get("case", ""))
        case = agenda_candidates(request.user, meeting).filter(pk=key).first() if key else None
        if case is None:
            raise ValidationError(_("Choose an open case of the region that is not on the agenda yet."))
        case_actions.meeting_add_case(actor=request.user, meeting=meeting, case=case)
        messages.success(request, _("Case added to the agenda."))
    elif op == "invite":
        chosen = post.get("user", "")
        chosen_id = parse_id(chosen)
        user = invite_candidates(meeting).filter(pk=chosen_id).first() if chosen_id is not None else None
        if user is None:
            raise ValidationError(_("Choose someone of the region's case teams who is not invited yet."))
        case_actions.meeting_invite(actor=request.user, meeting=meeting, user=user)
        messages.success(request, _("Invited."))
    elif op == "attendance":
        present = [parse_id(value) for value in post.getlist("present")]
        if None in present:
            raise ValidationError(_("Mark present only people of the list."))
        case_actions.attendance_record(
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
            case_actions.minute_add(
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
            _task_from(request, access, form, kind="mdt_action")
            messages.success(request, _("Action item added as a task."))
    else:
        expected = parse_version(post.get("version"))
        if op == "hold":
            case_actions.meeting_hold(actor=request.user, meeting=meeting, expected_version=expected)
            messages.success(request, _("Meeting recorded as held; each case's journey shows it."))
        else:
            case_actions.meeting_cancel(actor=request.user, meeting=meeting, expected_version=expected)
            messages.success(request, _("Meeting cancelled."))
