"""The provider portal: a provider's staff see the service referrals sent to their organisation,
with only the fields a referral needs (policy.yaml `referral_view`), and answer them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.access.models import User
from continuum.audit import log as audit
from continuum.care import actions
from continuum.care.models import Answer, DeclineReason, EndReason, Outcome, ServiceReferral, UnmetReason
from continuum.care.selectors import (
    eligible_services,
    referrals_for_provider,
    referrals_of_case,
    unmet_needs_of_case,
    unmet_reason,
)
from continuum.cases.selectors import survivors_of
from continuum.core.codes import ServiceType


def _provider(request: HttpRequest) -> User:
    if not policy.may(request.user, "provider_portal"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="care.ServiceReferral",
            outcome="denied",
            detail={"attempted": "provider_portal"},
        )
        raise Http404("No such page.")
    assert isinstance(request.user, User)
    return request.user


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
    referrals = list(
        referrals_for_provider(user.membership.agency).select_related("survivor", "case__town")[:200]
    )
    audit.record(
        actor=user,
        action="list",
        object_type="care.ServiceReferral",
        fields=sorted(policy.referral_fields("care.ServiceReferral")),
        detail={"count": len(referrals)},
    )
    return render(request, "care/provider_referrals.html", {"rows": [_shown(r) for r in referrals]})


@require_http_methods(["GET", "POST"])
@staff_required
def provider_referral_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = _provider(request)
    referral = (
        referrals_for_provider(user.membership.agency)
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
    if request.method == "POST":
        step = request.POST.get("step", "")
        version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
        try:
            if step in Answer.values:
                actions.service_referral_answer(
                    actor=user,
                    referral=referral,
                    answer=step,
                    # The reason list belongs to declining; accepting or waitlisting sends none.
                    reason=request.POST.get("reason", "") if step == Answer.DECLINE else "",
                    version=version,
                )
            elif step == "start":
                actions.service_referral_start(actor=user, referral=referral, version=version)
            elif step in Outcome.values:
                actions.service_referral_close(
                    actor=user,
                    referral=referral,
                    outcome=step,
                    reason=request.POST.get("reason", "") if step == Outcome.ENDED else "",
                    version=version,
                )
            else:
                raise ValidationError(_("Choose what to do with the referral."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("care:provider_referral", referral_id=referral.pk)
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
            "decline_reasons": DeclineReason.choices,
            "end_reasons": EndReason.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def case_services_view(request: HttpRequest, case_id: str) -> HttpResponse:
    """A case's services: send a referral to an eligible provider (consent is checked), or record
    the need as unmet when no provider can take it."""
    access = policy.access_case(request.user, case_id, "services")
    case = access.case
    survivors = survivors_of(access)
    chosen_type = request.GET.get("service_type") or request.POST.get("service_type") or ""
    chosen_survivor = next(
        (s for s in survivors if str(s.pk) == (request.GET.get("survivor") or request.POST.get("survivor"))),
        survivors[0] if survivors else None,
    )
    eligible = (
        eligible_services(survivor=chosen_survivor, case=case, service_type=chosen_type)
        if chosen_survivor is not None and chosen_type in ServiceType.values
        else []
    )
    if request.method == "POST":
        assert isinstance(request.user, User)
        try:
            if chosen_survivor is None:
                raise ValidationError(_("Choose the survivor."))
            if request.POST.get("step") == "send":
                service = next((s for s in eligible if str(s.pk) == request.POST.get("service")), None)
                if service is None:
                    raise ValidationError(_("Choose one of the eligible services."))
                with transaction.atomic():
                    referral = actions.service_referral_propose(
                        actor=request.user, case=case, survivor=chosen_survivor, service=service
                    )
                    actions.service_referral_send(actor=request.user, referral=referral)
                messages.success(request, _("Referral sent to %(agency)s.") % {"agency": service.agency.name})
            elif request.POST.get("step") == "unmet":
                actions.unmet_need_record(
                    actor=request.user,
                    case=case,
                    survivor=chosen_survivor,
                    service_type=chosen_type,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The unmet need is recorded and stays open until it is met."))
            else:
                raise ValidationError(_("Choose what to do."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('care:case_services', args=[case.pk])}?service_type={chosen_type}")
    audit.record(actor=request.user, action="view_services", obj=case)
    return render(
        request,
        "care/case_services.html",
        {
            "case": case,
            "survivors": survivors,
            "chosen_survivor": chosen_survivor,
            "chosen_type": chosen_type,
            "service_types": ServiceType.choices,
            "eligible": eligible,
            "unmet_reasons": UnmetReason.choices,
            "suggested_reason": unmet_reason(survivor=chosen_survivor, case=case, service_type=chosen_type)
            if chosen_survivor is not None and chosen_type in ServiceType.values
            else None,
            "referrals": referrals_of_case(case),
            "needs": unmet_needs_of_case(case),
        },
    )
