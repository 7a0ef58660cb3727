"""The services pages: the provider portal (a provider's staff see the service referrals sent to
their organisation, with only the fields a referral needs, policy.yaml `referral_view`, and answer
them), a case's services, and the provider directory kept up by coordinators and providers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.audit import log as audit
from continuum.care import actions
from continuum.care.forms import DirectoryFilterForm, ProviderServiceForm, initial_of
from continuum.care.models import Answer, DeclineReason, EndReason, Outcome, ServiceReferral, UnmetReason
from continuum.care.selectors import (
    directory_agencies_for,
    directory_for,
    directory_search,
    eligible_services,
    open_reminders,
    overdue_since,
    referrals_for_provider,
    referrals_of_case,
    unmet_needs_of_case,
    unmet_reason,
    with_waits,
)
from continuum.cases.selectors import survivors_of, survivors_shown
from continuum.core.codes import ServiceType
from continuum.core.htcds import Gender
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.org.models import Region, User


def _working(request: HttpRequest, work: str, object_type: str) -> User:
    """The signed-in user when their role does this work (policy.yaml `work`); else a 404 and a
    denial in the audit log."""
    if not policy.may(request.user, work):
        audit.record(
            actor=request.user,
            action="deny",
            object_type=object_type,
            outcome="denied",
            detail={"attempted": work},
        )
        raise Http404("No such page.")
    assert isinstance(request.user, User)
    return request.user


def _provider(request: HttpRequest) -> User:
    return _working(request, "provider_portal", "care.ServiceReferral")


def _shown(referral: ServiceReferral) -> dict[str, policy.Shown]:
    return {
        "referral": policy.Shown(referral, policy.referral_fields("care.ServiceReferral")),
        "person": policy.Shown(referral.survivor, policy.referral_fields("people.Person")),
        "case": policy.Shown(referral.case, policy.referral_fields("cases.Case")),
    }


@require_GET
@staff_required
def provider_referrals_view(request: HttpRequest) -> HttpResponse:
    user = _provider(request)
    agency = user.membership.agency
    referrals = list(
        with_waits(referrals_for_provider(agency), now=policy.clock()).select_related(
            "survivor", "case__town"
        )[:200]
    )
    audit.record(
        actor=user,
        action="list",
        object_type="care.ServiceReferral",
        fields=sorted(policy.referral_fields("care.ServiceReferral")),
        detail={"count": len(referrals)},
    )
    rows = [{**_shown(r), "overdue_since": overdue_since(r)} for r in referrals]
    return render(
        request,
        "care/provider_referrals.html",
        {"rows": rows, "reminders": open_reminders(provider=agency)[:200]},
    )


def _referral_or_404(request: HttpRequest, user: User, referral_id: str) -> ServiceReferral:
    """A referral sent to the user's organisation; else a denial row and a 404."""
    referral = (
        with_waits(referrals_for_provider(user.membership.agency), now=policy.clock())
        .select_related("survivor", "case__town")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        audit.record(
            actor=user,
            action="deny",
            object_type="care.ServiceReferral",
            object_id=str(referral_id),
            outcome="denied",
            detail={"attempted": "view"},
        )
        raise Http404("No such referral.")
    return referral


def _referral_page(
    request: HttpRequest, user: User, referral: ServiceReferral, status: int = 200
) -> HttpResponse:
    """The provider's page of a referral (its GET, and each answer refused with its message)."""
    audit.record(
        actor=user,
        action="view",
        obj=referral,
        case_id=referral.case_id,
        fields=sorted(
            policy.referral_fields("care.ServiceReferral")
            | {f"person__{n}" for n in policy.referral_fields("people.Person")}
        ),
    )
    return render(
        request,
        "care/provider_referral.html",
        {
            **_shown(referral),
            "overdue_since": overdue_since(referral),
            "decline_reasons": DeclineReason.choices,
            "end_reasons": EndReason.choices,
        },
        status=status,
    )


@require_GET
@staff_required
def provider_referral_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """A referral sent to the provider's organisation, with only what it needs; answering it,
    starting the service and closing it are posted to their own URLs below."""
    user = _provider(request)
    return _referral_page(request, user, _referral_or_404(request, user, referral_id))


# One step of a referral by the provider: it raises ValidationError (StaleEdit) with the
# user's message when refused.
ReferralStep = Callable[[User, ServiceReferral, HttpRequest, int], None]


def _provider_steps(request: HttpRequest, referral_id: str, step: ReferralStep) -> HttpResponse:
    """Run one step on a referral of the provider's organisation: a redirect to its page with
    "Saved.", or the page again with the refusal (400; 409 for a stale edit)."""
    user = _provider(request)
    referral = _referral_or_404(request, user, referral_id)
    try:
        step(user, referral, request, parse_version(request.POST.get("version")))
    except StaleEdit as stale:
        messages.error(request, stale_summary(stale))
        return _referral_page(request, user, _referral_or_404(request, user, referral_id), status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _referral_page(request, user, referral, status=400)
    messages.success(request, _("Saved."))
    return redirect("care:provider_referral", referral_id=referral.pk)


def _answer(user: User, referral: ServiceReferral, request: HttpRequest, version: int) -> None:
    answer = request.POST.get("answer", "")
    if answer not in Answer.values:
        raise ValidationError(_("Choose what to do with the referral."))
    actions.service_referral_answer(
        actor=user,
        referral=referral,
        answer=answer,
        # The reason list belongs to declining; accepting or waitlisting sends none.
        reason=request.POST.get("reason", "") if answer == Answer.DECLINE else "",
        expected_version=version,
    )


def _start(user: User, referral: ServiceReferral, request: HttpRequest, version: int) -> None:
    actions.service_referral_start(actor=user, referral=referral, expected_version=version)


def _close(user: User, referral: ServiceReferral, request: HttpRequest, version: int) -> None:
    outcome = request.POST.get("outcome", "")
    if outcome not in Outcome.values:
        raise ValidationError(_("Choose what to do with the referral."))
    actions.service_referral_close(
        actor=user,
        referral=referral,
        outcome=outcome,
        reason=request.POST.get("reason", "") if outcome == Outcome.ENDED else "",
        expected_version=version,
    )


@require_POST
@staff_required
def service_referral_answer_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The provider accepts, waitlists or declines (with a reason) a referral sent to them."""
    return _provider_steps(request, referral_id, _answer)


@require_POST
@staff_required
def service_referral_start_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The provider records that the service of an accepted referral started."""
    return _provider_steps(request, referral_id, _start)


@require_POST
@staff_required
def service_referral_close_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """The provider records that a started service was completed or ended early (with a reason)."""
    return _provider_steps(request, referral_id, _close)


@dataclass(frozen=True)
class _Choice:
    """What the case's services page is about: the survivor and the service type chosen (by the
    search's GET, or by the form posted), and the services eligible for them."""

    survivor: Any
    service_type: str
    eligible: list[Any]


def _services_choice(request: HttpRequest, access: policy.CaseAccess) -> _Choice:
    survivors = survivors_of(access)
    chosen_type = request.GET.get("service_type") or request.POST.get("service_type") or ""
    chosen_survivor = next(
        (s for s in survivors if str(s.pk) == (request.GET.get("survivor") or request.POST.get("survivor"))),
        survivors[0] if survivors else None,
    )
    eligible = (
        list(eligible_services(survivor=chosen_survivor, case=access.case, service_type=chosen_type))
        if chosen_survivor is not None and chosen_type in ServiceType.values
        else []
    )
    return _Choice(chosen_survivor, chosen_type, eligible)


def _services_page(
    request: HttpRequest, access: policy.CaseAccess, choice: _Choice, status: int = 200
) -> HttpResponse:
    """A case's services page (its GET, and each operation refused with its message)."""
    case = access.case
    known_type = choice.survivor is not None and choice.service_type in ServiceType.values
    return render(
        request,
        "care/case_services.html",
        {
            "case": case,
            "survivors": survivors_shown(access),
            "chosen_survivor": choice.survivor,
            "chosen_type": choice.service_type,
            "service_types": ServiceType.choices,
            "eligible": choice.eligible,
            "unmet_reasons": UnmetReason.choices,
            "suggested_reason": unmet_reason(
                survivor=choice.survivor, case=case, service_type=choice.service_type
            )
            if known_type
            else None,
            "referrals": with_waits(referrals_of_case(case), now=policy.clock()),
            "reminders": open_reminders(case=case),
            "needs": unmet_needs_of_case(case),
        },
        status=status,
    )


@require_GET
@staff_required
def case_services_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case's services: the referrals, the unmet needs, and the search for eligible providers;
    sending a referral and recording an unmet need are posted to their own URLs below."""
    access = policy.access_case(request.user, case_id, "services")
    return _services_page(request, access, _services_choice(request, access))


# One operation of the services page: it returns the success message, or raises
# ValidationError with the user's message.
ServicesOperation = Callable[[HttpRequest, User, policy.CaseAccess, _Choice], str]


def _services_runs(request: HttpRequest, case_id: str, operation: ServicesOperation) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "services")
    assert isinstance(request.user, User)
    choice = _services_choice(request, access)
    try:
        if choice.survivor is None:
            raise ValidationError(_("Choose the survivor."))
        done = operation(request, request.user, access, choice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _services_page(request, access, choice, status=400)
    messages.success(request, done)
    return redirect(
        f"{reverse('care:case_services', args=[access.case.pk])}?service_type={choice.service_type}"
    )


def _send(request: HttpRequest, user: User, access: policy.CaseAccess, choice: _Choice) -> str:
    service = next((s for s in choice.eligible if str(s.pk) == request.POST.get("service")), None)
    if service is None:
        raise ValidationError(_("Choose one of the eligible services."))
    with transaction.atomic():
        referral = actions.service_referral_propose(
            actor=user, case=access.case, survivor=choice.survivor, service=service
        )
        # Proposed by this request a moment ago: its version is the one just read.
        actions.service_referral_send(actor=user, referral=referral, expected_version=referral.version)
    return _("Referral sent to %(agency)s.") % {"agency": service.agency.name}


def _unmet(request: HttpRequest, user: User, access: policy.CaseAccess, choice: _Choice) -> str:
    actions.unmet_need_record(
        actor=user,
        case=access.case,
        survivor=choice.survivor,
        service_type=choice.service_type,
        reason=request.POST.get("reason", ""),
    )
    return _("The unmet need is recorded and stays open until it is met.")


@require_POST
@staff_required
def service_referral_send_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Send a referral of the case's survivor to an eligible provider (consent is checked)."""
    return _services_runs(request, case_id, _send)


@require_POST
@staff_required
def unmet_need_record_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """Record the need as unmet when no provider can take it."""
    return _services_runs(request, case_id, _unmet)


# --- the provider directory ----------------------------------------------------------------------


@require_GET
@staff_required
def directory_view(request: HttpRequest) -> HttpResponse:
    """The provider directory: the services the user may keep up to date (their region's
    providers for a coordinator, their own organisation's for a provider), filtered."""
    user = _working(request, "directory", "care.ProviderService")
    form = DirectoryFilterForm(request.GET or None)
    services = []
    if not form.is_bound or form.is_valid():
        wanted = form.cleaned_data if form.is_bound else {}
        services = directory_search(
            directory_for(user),
            region=wanted.get("region"),
            service_type=wanted.get("service_type", ""),
            language=wanted.get("language", ""),
            has_room=wanted.get("room") == "free",
        )
    audit.record(
        actor=user, action="list", object_type="care.ProviderService", detail={"count": len(services)}
    )
    return render(
        request,
        "care/directory.html",
        {"form": form, "services": services, "can_add": policy.may(user, "directory_curate")},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def directory_new_view(request: HttpRequest) -> HttpResponse:
    """A coordinator adds a service of a provider agency of their region."""
    user = _working(request, "directory_curate", "care.ProviderService")
    form = ProviderServiceForm(request.POST or None, curate=True, agencies=directory_agencies_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            service = actions.provider_service_add(
                actor=user, agency=form.cleaned_data["agency"], values=form.values()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(agency)s's service is in the directory.") % {"agency": service.agency}
            )
            return redirect("care:directory")
    return render(
        request,
        "care/directory_edit.html",
        {"form": form, "service": None, "changed": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def directory_edit_view(request: HttpRequest, service_id: int) -> HttpResponse:
    """Edit a directory entry; a stale edit is refused with 409 and shows what changed meanwhile.
    A service the user may not edit answers 404, as one that does not exist."""
    user = _working(request, "directory", "care.ProviderService")
    service = directory_for(user).select_related("agency").filter(pk=service_id).first()
    if service is None:
        audit.record(
            actor=user,
            action="deny",
            object_type="care.ProviderService",
            object_id=str(service_id),
            outcome="denied",
            detail={"attempted": "update"},
        )
        raise Http404("No such service.")
    curate = policy.may(user, "directory_curate")
    form = ProviderServiceForm(
        request.POST or None,
        initial=initial_of(service.version, actions.service_values(service)),
        curate=curate,
    )
    status, changed = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.provider_service_update(
                    actor=user,
                    service=service,
                    expected_version=form.cleaned_data["version"],
                    changes=form.values(),
                    seen=form.seen_values(),
                )
            except StaleEdit as stale:
                status, service = 409, stale.current
                changed = _what_changed(stale)
                form = ProviderServiceForm(
                    initial=initial_of(service.version, actions.service_values(service)), curate=curate
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("care:directory")
    return render(
        request,
        "care/directory_edit.html",
        {"form": form, "service": service, "changed": changed},
        status=status,
    )


def _what_changed(stale: StaleEdit) -> dict[Any, tuple[str, str]]:
    """{field label: (what the editor saw, what it is now)} for each field someone else changed,
    as plain text."""
    labels = {name: field.label for name, field in ProviderServiceForm.base_fields.items()}
    return {
        labels.get(name, name): (_entry_text(name, seen), _entry_text(name, now))
        for name, (seen, now) in stale.changed.items()
    }


def _entry_text(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "regions":
        return ", ".join(Region.objects.filter(pk__in=value).order_by("name").values_list("name", flat=True))
    if name == "genders":
        genders = dict(Gender.choices)
        return ", ".join(str(genders.get(code, code)) for code in value)
    if name == "languages":
        return ", ".join(value)
    if name == "service_type":
        return str(ServiceType(value).label) if value in ServiceType.values else str(value)
    if name == "active":
        return str(_("Takes referrals") if value else _("Takes no referrals now"))
    return str(value) or "—"


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
