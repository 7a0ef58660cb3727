"""The justice pages of a case.

- The investigation page, for law enforcement (`justice`): add a suspect, record an arrest of a
  suspect with a charge under a statute of the reference table (opening an investigation when
  none is open), set an investigation open, suspended or closed (a stale edit is refused with 409
  and shows what changed), and see the charges' dispositions read-only.
- The prosecution page, for the prosecutor (`prosecute`): open a prosecution on charges of the
  case and record a disposition per charge.

Each page is a GET; each operation on it is a POST to a URL of its own, which answers a refusal
with the page again (400, 409 for a stale edit) and a success with a redirect to the page.

Both take the case through the policy (404 alike for "not allowed" and "does not exist") and write
only through continuum.justice.actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.audit import log as audit
from continuum.cases.selectors import suspects_of
from continuum.core.locking import StaleEdit
from continuum.justice import actions
from continuum.justice.forms import (
    DispositionForm,
    InvestigationStatusForm,
    ProsecutionOpenForm,
    SuspectForm,
    moment_of,
)
from continuum.justice.models import Investigation, InvestigationStatus
from continuum.justice.selectors import (
    charge_rows,
    investigations_of,
    prosecutions_of,
    suspects_in,
    updatable_investigations,
)
from continuum.justice.statutes import all_statutes
from continuum.org.models import User


def _status_form(investigation: Investigation, data: Any = None) -> InvestigationStatusForm:
    return InvestigationStatusForm(
        data,
        auto_id=f"status_{investigation.pk}_%s",
        initial={
            "investigation": str(investigation.pk),
            "version": investigation.version,
            "seen_status": investigation.status,
            "status": investigation.status,
        },
    )


def _record_arrest(request: HttpRequest, user: User, access: policy.CaseAccess) -> None:
    """The arrest step: a suspect, an optional charge; an investigation is opened when none is."""
    case = access.case
    agency = user.membership.agency
    investigations = investigations_of(case)
    with transaction.atomic():
        live = [i for i in investigations if i.status != InvestigationStatus.CLOSED]
        investigation = next((i for i in live if i.status == InvestigationStatus.OPEN), None)
        if investigation is None and live:
            raise ValidationError(_("The investigation is suspended: resume it before recording an arrest."))
        suspect = next((s for s in suspects_of(access) if str(s.pk) == request.POST.get("suspect")), None)
        if suspect is None:
            raise ValidationError(_("Choose the suspect who was arrested."))
        if investigation is None:
            investigation = actions.investigation_open(
                actor=user,
                case=case,
                agency=agency,
                lead=user,
                kind=case.trafficking_type if case.trafficking_type in {"sex", "labor", "both"} else "both",
            )
        arrest = actions.arrest_record(
            actor=user, investigation=investigation, suspect=suspect, agency=agency
        )
        if request.POST.get("statute"):
            counts = request.POST.get("counts", "1")
            actions.charge_file(
                actor=user,
                arrest=arrest,
                statute=request.POST["statute"],
                counts=int(counts) if counts.isascii() and counts.isdigit() and len(counts) <= 4 else 0,
            )


def _justice_page(
    request: HttpRequest,
    access: policy.CaseAccess,
    *,
    status: int = 200,
    suspect_form: SuspectForm | None = None,
    posted_status: InvestigationStatusForm | None = None,
    changed: Any = None,
) -> HttpResponse:
    """The investigation page (its GET, and each operation refused with its bound form)."""
    case = access.case
    assert isinstance(request.user, User)
    user = request.user
    updatable = updatable_investigations(user, case)
    rows = []
    for investigation in investigations_of(case):
        form = None
        # a closed investigation stays closed
        if investigation.pk in updatable and investigation.status != InvestigationStatus.CLOSED:
            matches = posted_status is not None and posted_status["investigation"].value() == str(
                investigation.pk
            )
            form = posted_status if matches else _status_form(investigation)
        rows.append((investigation, form))
    audit.record(actor=user, action="view_justice", obj=case, fields=["investigations", "suspects"])
    return render(
        request,
        "justice/case.html",
        {
            "case": case,
            "suspects": suspects_of(access),
            "participants": suspects_in(access),
            "investigations": rows,
            "statutes": all_statutes(),
            "suspect_form": suspect_form or SuspectForm(),
            "changed": changed,
        },
        status=status,
    )


@require_GET
@staff_required
def case_justice_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The investigation page of a case; each change is posted to its own URL below."""
    return _justice_page(request, policy.access_case(request.user, case_id, "justice"))


@require_POST
@staff_required
def suspect_add_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Add a suspect to the case."""
    access = policy.access_case(request.user, case_id, "justice")
    assert isinstance(request.user, User)
    suspect_form = SuspectForm(request.POST)
    if suspect_form.is_valid():
        data = suspect_form.cleaned_data
        try:
            actions.suspect_add(
                actor=request.user,
                case=access.case,
                first_name=data["first_name"],
                last_name=data["last_name"],
                aliases=data["aliases"],
                relationship=data["relationship"],
                perpetrator_roles=data["perpetrator_roles"],
            )
        except ValidationError as error:
            suspect_form.add_error(None, error)
        else:
            messages.success(request, _("Suspect added."))
            return redirect("justice:case", case_id=access.case.pk)
    return _justice_page(request, access, status=400, suspect_form=suspect_form)


@require_POST
@staff_required
def investigation_status_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Set an investigation of the user's agency open, suspended or closed (409 when stale)."""
    access = policy.access_case(request.user, case_id, "justice")
    assert isinstance(request.user, User)
    user = request.user
    updatable = updatable_investigations(user, access.case)
    investigation = next(
        (
            i
            for i in investigations_of(access.case)
            if str(i.pk) == request.POST.get("investigation") and i.pk in updatable
        ),
        None,
    )
    if investigation is None:
        raise Http404("No such investigation.")
    posted_status: InvestigationStatusForm | None = _status_form(investigation, request.POST)
    assert posted_status is not None
    if posted_status.is_valid():
        data = posted_status.cleaned_data
        try:
            actions.investigation_status_set(
                actor=user,
                investigation=investigation,
                status=data["status"],
                expected_version=data["version"],
                seen_status=data["seen_status"],
            )
        except StaleEdit as stale:
            return _justice_page(request, access, status=409, changed=stale.changed)
        except ValidationError as error:
            posted_status.add_error(None, error)
        else:
            messages.success(request, _("Investigation status saved."))
            return redirect("justice:case", case_id=access.case.pk)
    return _justice_page(request, access, status=400, posted_status=posted_status)


@require_POST
@staff_required
def arrest_record_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Record an arrest of a suspect, with a charge when one is chosen (opening an investigation
    when none is)."""
    access = policy.access_case(request.user, case_id, "justice")
    assert isinstance(request.user, User)
    try:
        _record_arrest(request, request.user, access)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _justice_page(request, access, status=400)
    messages.success(request, _("Arrest recorded."))
    return redirect("justice:case", case_id=access.case.pk)


def _prosecution_page(
    request: HttpRequest,
    access: policy.CaseAccess,
    *,
    status: int = 200,
    open_form: ProsecutionOpenForm | None = None,
    dispose_form: DispositionForm | None = None,
) -> HttpResponse:
    """The prosecutor's page (its GET, and each operation refused with its bound form)."""
    case = access.case
    assert isinstance(request.user, User)
    user = request.user
    rows = charge_rows(case)
    open_charges, disposable = _open_and_disposable(rows, user)
    audit.record(
        actor=user, action="view_prosecution", obj=case, fields=["charges", "prosecutions", "dispositions"]
    )
    return render(
        request,
        "justice/prosecution.html",
        {
            "case": case,
            "rows": rows,
            "prosecutions": prosecutions_of(case),
            "open_form": (open_form or ProsecutionOpenForm(charges=open_charges)) if open_charges else None,
            "dispose_form": (dispose_form or DispositionForm(charges=disposable)) if disposable else None,
            "show_names": access.shows("justice"),
        },
        status=status,
    )


def _open_and_disposable(rows: list[Any], user: User) -> tuple[list[Any], list[Any]]:
    """The charges a prosecution can be opened on, and those the user's office may dispose of."""
    open_charges = [row.charge for row in rows if row.open_to_prosecution]
    disposable = [row.charge for row in rows if row.disposable_by(user.membership.agency_id)]
    return open_charges, disposable


@require_GET
@staff_required
def prosecution_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The prosecutor's page of a case: its charges with statute, class, counts and dispositions;
    opening a prosecution and recording a disposition are posted to their own URLs below."""
    return _prosecution_page(request, policy.access_case(request.user, case_id, "prosecute"))


@require_POST
@staff_required
def prosecution_open_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Open a prosecution on charges of the case not prosecuted yet."""
    access = policy.access_case(request.user, case_id, "prosecute")
    assert isinstance(request.user, User)
    user = request.user
    open_charges, _disposable = _open_and_disposable(charge_rows(access.case), user)
    open_form = ProsecutionOpenForm(request.POST, charges=open_charges)
    if open_form.is_valid():
        try:
            actions.prosecution_open(
                actor=user, case=access.case, agency=user.membership.agency, charges=open_form.chosen()
            )
        except ValidationError as error:
            open_form.add_error(None, error)
        else:
            messages.success(request, _("Prosecution opened."))
            return redirect("justice:prosecution", case_id=access.case.pk)
    return _prosecution_page(request, access, status=400, open_form=open_form)


@require_POST
@staff_required
def disposition_record_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Record how a charge the user's office prosecutes ended."""
    access = policy.access_case(request.user, case_id, "prosecute")
    assert isinstance(request.user, User)
    user = request.user
    _open_charges, disposable = _open_and_disposable(charge_rows(access.case), user)
    dispose_form = DispositionForm(request.POST, charges=disposable)
    if dispose_form.is_valid():
        data = dispose_form.cleaned_data
        try:
            actions.disposition_record(
                actor=user,
                charge=dispose_form.chosen(),
                outcome=data["outcome"],
                decided_at=moment_of(data["decided_on"]),
                sentence_summary=data["sentence_summary"],
            )
        except ValidationError as error:
            dispose_form.add_error(None, error)
        else:
            messages.success(request, _("Disposition recorded."))
            return redirect("justice:prosecution", case_id=access.case.pk)
    return _prosecution_page(request, access, status=400, dispose_form=dispose_form)
