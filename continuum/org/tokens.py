"""Per-agency API tokens: made, checked and revoked here (SECURITY.md 11).

A token reads `ct_<prefix>_<secret>`. The prefix finds the row; the secret is compared in constant
time with the stored SHA-256. A missing, unknown, expired, revoked or out-of-scope token answers
alike: None.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from continuum.audit import log as audit
from continuum.org.models import Agency, ApiToken

SCOPES = frozenset({"referrals:create"})
LONGEST = dt.timedelta(days=366)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, agency: Agency, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token and its one-time secret text. Scopes must be known; expiry is mandatory."""
    if not scopes or not set(scopes) <= SCOPES:
        raise ValueError(f"scopes must be among {', '.join(sorted(SCOPES))}")
    if not 1 <= days <= LONGEST.days:
        raise ValueError(f"a token lasts 1 to {LONGEST.days} days")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agency=agency,
        name=name,
        prefix=prefix,
        secret_hash=_digest(secret),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor=None, action="token_create", obj=token, detail={"agency": agency.pk, "scopes": token.scopes}
    )
    return token, f"ct_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, prefix: str) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(prefix=prefix)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=None, action="token_revoke", obj=token, detail={"agency": token.agency_id})
    return token


def authenticate(request: HttpRequest, scope: str) -> ApiToken | None:
    """The token of this request if it is valid now and carries `scope`; None otherwise."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ct_"):
        return None
    try:
        _, prefix, secret = header.removeprefix("Bearer ").split("_", 2)
    except ValueError:
        return None
    token = ApiToken.objects.select_related("agency").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or scope not in token.scopes:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
