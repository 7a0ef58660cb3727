"""The referral API for agency systems: POST /api/v1/referrals/ with a per-agency token.

JSON in, JSON out. Unknown fields are refused, not ignored (SECURITY.md 3); the referring agency is
the token's; the region is the agency's (a statewide agency names one). Sessions are not accepted
here: only a valid token with the `referrals:create` scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from continuum.audit import log as audit
from continuum.core.validation import BadJson, parse_json_body
from continuum.intake import actions
from continuum.intake.triage_forms import ApiReferralForm
from continuum.org import tokens
from continuum.org.models import Region

MAX_BODY = 64 * 1024
# A referral is one object of plain values and lists of codes: two levels are all it needs.
MAX_DEPTH = 4


def _error(status: int, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@csrf_exempt
@require_POST
def referrals_create(request: HttpRequest) -> JsonResponse:
    token = tokens.authenticate(request, "referrals:create")
    if token is None:
        audit.record(
            actor=None,
            action="deny",
            object_type="intake.Referral",
            outcome="denied",
            detail={"attempted": "api_referrals_create"},
        )
        response = _error(401, "A valid agency token with the referrals:create scope is required.")
        response["WWW-Authenticate"] = "Bearer"
        return response
    if len(request.body) > MAX_BODY:
        return _error(413, "The request body is too large.")
    try:
        payload = parse_json_body(request.body, max_bytes=MAX_BODY, max_depth=MAX_DEPTH)
    except BadJson as refused:
        return _error(400, str(refused))
    if not isinstance(payload, dict):
        return _error(400, "The body must be a JSON object.")
    unknown = sorted(set(payload) - set(ApiReferralForm.base_fields))
    if unknown:
        return _error(400, "These fields are not accepted.", fields=unknown)
    region = token.agency.region
    if region is None:
        code = payload.get("region", "")
        region = Region.objects.filter(code=code).first() if isinstance(code, str) else None
        if region is None:
            return _error(400, "A statewide agency must name the region (its code).", fields=["region"])
    form = ApiReferralForm(payload)
    if not form.is_valid():
        return _error(400, "Some fields are not valid.", fields=form.errors.get_json_data())
    try:
        referral = actions.referral_create(
            actor=token,
            region=region,
            referring_agency=token.agency,
            **form.referral_values(),
        )
    except ValidationError as error:
        return _error(400, "The referral was refused.", detail=error.messages)
    return JsonResponse(
        {"id": str(referral.pk), "status": referral.status, "region": region.code}, status=201
    )
