"""The investigation page of a case, for law enforcement: open an investigation, record an arrest
of a suspect in the case, and file a charge under a statute of the reference table."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.access.models import User
from continuum.audit import log as audit
from continuum.cases.selectors import suspects_of
from continuum.justice import actions
from continuum.justice.selectors import investigations_of
from continuum.justice.statutes import all_statutes


@require_http_methods(["GET", "POST"])
@staff_required
def case_justice_view(request: HttpRequest, case_id: str) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "justice")
    case = access.case
    suspects = suspects_of(access)
    investigations = investigations_of(case)
    if request.method == "POST":
        assert isinstance(request.user, User)
        agency = request.user.membership.agency
        try:
            with transaction.atomic():
                investigation = next((i for i in investigations if i.status == "open"), None)
                if investigation is None:
                    investigation = actions.investigation_open(
                        actor=request.user,
                        case=case,
                        agency=agency,
                        lead=request.user,
                        kind=case.trafficking_type
                        if case.trafficking_type in {"sex", "labor", "both"}
                        else "both",
                    )
                suspect = next((s for s in suspects if str(s.pk) == request.POST.get("suspect")), None)
                if suspect is None:
                    raise ValidationError(_("Choose the suspect who was arrested."))
                arrest = actions.arrest_record(
                    actor=request.user, investigation=investigation, suspect=suspect, agency=agency
                )
                if request.POST.get("statute"):
                    counts = request.POST.get("counts", "1")
                    actions.charge_file(
                        actor=request.user,
                        arrest=arrest,
                        statute=request.POST["statute"],
                        counts=int(counts) if counts.isdigit() else 0,
                    )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Arrest recorded."))
        return redirect("justice:case", case_id=case.pk)
    audit.record(actor=request.user, action="view_justice", obj=case, fields=["investigations", "suspects"])
    return render(
        request,
        "justice/case.html",
        {
            "case": case,
            "suspects": suspects,
            "investigations": investigations,
            "statutes": all_statutes(),
        },
    )
