"""Case pages. Every case comes through the policy (access_case / restrict) and every read,
write and denial is audited by the policy or the action it calls.

Views are not wrapped in one transaction: each action is atomic together with its audit row,
and the audit row of a denial must survive the 404 that follows it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import actions as access_actions
from continuum.access import policy
from continuum.access.decorators import fresh_second_factor_required, staff_required
from continuum.access.selectors import court_orders_of
from continuum.audit import log as audit
from continuum.audit.selectors import events_for_case
from continuum.cases import actions as case_actions
from continuum.cases import panels
from continuum.cases.forms import (
    BreakGlassForm,
    CaseEditForm,
    CaseFilterForm,
    ConsentForm,
    CourtOrderForm,
    RevokeForm,
    add_errors,
    named,
)
from continuum.cases.paging import capped_page
from continuum.cases.selectors import (
    CaseFilters,
    case_detail,
    case_list,
    consent_form_choices,
    consent_of,
    consents_of,
    edit_choices,
    is_name_search,
    survivors_of,
    survivors_shown,
)
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.org.models import Agency, User

PAGE_SIZE = 25
LIST_FIELDS = ["reference", "region", "town", "age_group", "trafficking_type", "status"]


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
        # The list's row and the row of each case shown, in one transaction: one commit.
        with transaction.atomic():
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
            policy.audited_list(
                request.user, [c for c in shown if c.pk not in flagged_ids], fields=LIST_FIELDS
            )
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
    shown_panels = panels.render(access)
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
            "can_screen": access.allows("screen"),
            "can_services": access.allows("services"),
            "can_justice": access.allows("justice"),
            "can_prosecute": access.allows("prosecute"),
            "can_account": access.allows("account"),
            "can_edit": access.allows("update"),
            "panels": shown_panels,
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
    return named(
        ConsentForm(data, people={"survivors": survivors, "signers": signers}, agencies=agencies), access
    )


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
            add_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("cases:consents", case_id=access.case.pk)
    consents = consents_of(access)
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
    access = policy.access_case(request.user, case_id, "break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        try:
            access_actions.break_glass_start(
                actor=request.user, case=access.case, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
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
            access_actions.court_order_record(
                actor=request.user,
                case=access.case,
                agency=form.cleaned_data["agency"],
                categories=form.cleaned_data["categories"],
                docket_reference=form.cleaned_data["docket_reference"],
                issued_on=form.cleaned_data["issued_on"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Court order recorded; the survivor is to be told within seven days.")
            )
            return redirect("cases:court_orders", case_id=access.case.pk)
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


@require_http_methods(["GET", "POST"])
@staff_required
def case_edit_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Edit a case; a stale edit is refused with 409 and shows what the other person changed."""
    access = policy.access_case(request.user, case_id, "update")
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
                add_errors(form, error)
            else:
                messages.success(request, _("Case saved."))
                return redirect("cases:detail", case_id=case.pk)
    return render(
        request, "cases/case_edit.html", {"case": case, "form": form, "changed": changed}, status=status
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
    access = policy.access_case(request.user, case_id, "account")
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


# --- MDT meetings: regional work, each case on the agenda through the policy -------------------
