"""The justice pages of a case.

- The investigation page, for law enforcement (`justice`): add a suspect, record an arrest of a
  suspect with a charge under a statute of the reference table (opening an investigation when
  none is open), set an investigation open, suspended or closed (a stale edit is refused with 409
  and shows what changed), and see the charges' dispositions read-only.
- The prosecution page, for the prosecutor (`prosecute`): open a prosecution on charges of the
  case and record a disposition per charge.

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
from django.views.decorators.http import require_http_methods

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
from continuum.justice.selectors import charge_rows, investigations_of, prosecutions_of, suspects_in
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


def _editable(investigation: Investigation, agency_id: int) -> bool:
    """The investigating agency's own staff set its status, until it is closed."""
    return investigation.agency_id == agency_id and investigation.status != InvestigationStatus.CLOSED


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


@require_http_methods(["GET", "POST"])
@staff_required
def case_justice_view(request: HttpRequest, case_id: str) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "justice")
    case = access.case
    assert isinstance(request.user, User)
    user = request.user
    agency_id = user.membership.agency_id
    suspect_form = SuspectForm()
    posted_status: InvestigationStatusForm | None = None
    status, changed = 200, None
    if request.method == "POST":
        step = request.POST.get("step", "arrest")
        if step == "suspect":
            suspect_form = SuspectForm(request.POST)
            if suspect_form.is_valid():
                data = suspect_form.cleaned_data
                try:
                    actions.suspect_add(
                        actor=user,
                        case=case,
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
                    return redirect("justice:case", case_id=case.pk)
            status = 400
        elif step == "status":
            investigation = next(
                (
                    i
                    for i in investigations_of(case)
                    if str(i.pk) == request.POST.get("investigation") and i.agency_id == agency_id
                ),
                None,
            )
            if investigation is None:
                raise Http404("No such investigation.")
            posted_status = _status_form(investigation, request.POST)
            status = 400
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
                    status, changed, posted_status = 409, stale.changed, None
                except ValidationError as error:
                    posted_status.add_error(None, error)
                else:
                    messages.success(request, _("Investigation status saved."))
                    return redirect("justice:case", case_id=case.pk)
        else:
            try:
                _record_arrest(request, user, access)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Arrest recorded."))
            return redirect("justice:case", case_id=case.pk)
    investigations = investigations_of(case)
    rows = []
    for investigation in investigations:
        form = None
        if _editable(investigation, agency_id):
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
            "suspect_form": suspect_form,
            "changed": changed,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def prosecution_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """The prosecutor's page of a case: its charges with statute, class, counts and dispositions;
    open a prosecution on charges not prosecuted yet; record how each charge ended."""
    access = policy.access_case(request.user, case_id, "prosecute")
    case = access.case
    assert isinstance(request.user, User)
    user = request.user
    agency = user.membership.agency
    rows = charge_rows(case)
    open_charges = [row.charge for row in rows if row.open_to_prosecution]
    disposable = [row.charge for row in rows if row.disposable_by(agency.pk)]
    open_form = ProsecutionOpenForm(charges=open_charges)
    dispose_form = DispositionForm(charges=disposable)
    status = 200
    if request.method == "POST":
        status = 400
        step = request.POST.get("step")
        if step == "open":
            open_form = ProsecutionOpenForm(request.POST, charges=open_charges)
            if open_form.is_valid():
                try:
                    actions.prosecution_open(actor=user, case=case, agency=agency, charges=open_form.chosen())
                except ValidationError as error:
                    open_form.add_error(None, error)
                else:
                    messages.success(request, _("Prosecution opened."))
                    return redirect("justice:prosecution", case_id=case.pk)
        elif step == "dispose":
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
                    return redirect("justice:prosecution", case_id=case.pk)
        else:
            messages.error(request, _("Choose what to do: open a prosecution or record a disposition."))
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
            "open_form": open_form if open_charges else None,
            "dispose_form": dispose_form if disposable else None,
            "show_names": access.shows("justice"),
        },
        status=status,
    )
