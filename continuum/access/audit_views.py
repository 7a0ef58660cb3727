"""The administrators' audit pages: flagged events and the review of break-glass access."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from continuum.access import actions as access_actions
from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.access.models import BreakGlassGrant
from continuum.audit import log as audit
from continuum.audit.selectors import flagged_events
from continuum.org.models import User


def _require_reviewer(request: HttpRequest) -> None:
    if "review" not in policy.operations_of(request.user, "audit_entry"):
        audit.record(
            actor=request.user,
            action="deny",
            object_type="audit.AuditEvent",
            outcome="denied",
            detail={"attempted": "review"},
        )
        raise Http404("No such page.")


@require_GET
@staff_required
def flagged_view(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    grants = list(
        BreakGlassGrant.objects.select_related("user", "case", "reviewed_by").order_by("-started_at")[:200]
    )
    events = list(flagged_events()[:200])
    users = {u.pk: u for u in User.objects.filter(pk__in={e.actor_id for e in events if e.actor_id})}
    audit.record(actor=request.user, action="view_flagged", detail={"rows": len(events)})
    return render(
        request,
        "audit/flagged.html",
        {
            "grants": grants,
            "rows": [(e, users.get(e.actor_id or 0)) for e in events],
        },
    )


@require_POST
@staff_required
def review_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    _require_reviewer(request)
    grant = BreakGlassGrant.objects.filter(pk=grant_id).first()
    if grant is None:
        raise Http404("No such break-glass access.")
    assert isinstance(request.user, User)
    try:
        access_actions.break_glass_review(
            actor=request.user, grant=grant, outcome=request.POST.get("outcome", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("audit:flagged")
