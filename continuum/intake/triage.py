"""The triage queue: new tips and referrals, oldest first; taking a tip up as a referral, entering
a referral, and opening a case from a referral. For intake staff and coordinators (policy.yaml
`work: triage`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.audit import log as audit
from continuum.core.locking import StaleEdit, parse_version, stale_summary
from continuum.intake import actions
from continuum.intake.selectors import QUEUE_SHOWN, new_tips_for, referrals_for, triage_queue
from continuum.intake.triage_forms import ReferralForm, TakeUpForm
from continuum.org.models import User


def _require_triage(request: HttpRequest) -> User:
    if not policy.may(request.user, "triage"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="intake.Referral",
            outcome="denied",
            detail={"attempted": "triage"},
        )
        raise Http404("No such page.")
    assert isinstance(request.user, User)
    return request.user


@require_GET
@staff_required
def queue_view(request: HttpRequest) -> HttpResponse:
    _require_triage(request)
    items, waiting = triage_queue(request.user)
    audit.record(
        actor=request.user, action="list", object_type="intake.Referral", detail={"count": len(items)}
    )
    # The region choices once for the page, not one query per tip row, and their <option>s
    # rendered once (escaped) for every tip's form: a loop over them in each of the 50 rows was
    # half of the template's time.
    region_field = TakeUpForm().fields["region"]
    assert isinstance(region_field, forms.ModelChoiceField)
    region_options = format_html_join(
        "", '<option value="{}">{}</option>', list(region_field.iterator(region_field))
    )
    return render(
        request,
        "intake/triage/queue.html",
        {"items": items, "region_options": region_options, "waiting": waiting, "shown": QUEUE_SHOWN},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def referral_new_view(request: HttpRequest) -> HttpResponse:
    user = _require_triage(request)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        if user.membership.agency.region_id not in (None, region.pk):
            form.add_error("region", _("You can enter referrals for your own region only."))
        else:
            try:
                actions.referral_create(actor=user, region=region, **form.referral_values())
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Referral recorded. It is in the triage queue."))
                return redirect("intake:queue")
    return render(
        request,
        "intake/triage/referral_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def tip_take_up_view(request: HttpRequest, tip_id: str) -> HttpResponse:
    user = _require_triage(request)
    tip = new_tips_for(user).filter(pk=tip_id).first()
    form = TakeUpForm(request.POST)
    if tip is None:
        raise Http404("No such tip.")
    if not form.is_valid():
        messages.error(request, _("Choose the region the tip belongs to."))
        return redirect("intake:queue")
    try:
        actions.tip_to_referral(actor=user, tip=tip, region=form.cleaned_data["region"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The tip is now a referral."))
    return redirect("intake:queue")


@require_POST
@staff_required
def referral_open_case_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = _require_triage(request)
    referral = referrals_for(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral.")
    try:
        case = actions.referral_to_case(
            actor=user, referral=referral, expected_version=parse_version(request.POST.get("version"))
        )
    except StaleEdit as stale:
        messages.error(request, stale_summary(stale))
        return redirect("intake:queue")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intake:queue")
    messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
    if policy.restrict_cases(type(case).objects.filter(pk=case.pk), user, "view").exists():
        return redirect("cases:detail", case_id=case.pk)
    return redirect("intake:queue")
