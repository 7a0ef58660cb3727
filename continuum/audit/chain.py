"""What a seal covers, and how its mac is computed: shared by the sequencer and the verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.utils import timezone

from continuum.audit.models import AuditEvent

# The values of a row that its seal covers (the JSON is key-sorted, so the order is not part of it).
SEALED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "agency_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "fields",
    "outcome",
    "detail",
    "flagged",
)


def canonical_time(at: dt.datetime) -> str:
    if timezone.is_naive(at):
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(dt.UTC).isoformat()


def row_values(event: AuditEvent) -> dict[str, Any]:
    """The sealed values of a row, as `seal_mac` takes them."""
    return {
        "id": event.id,
        "at": canonical_time(event.at),
        "actor_id": event.actor_id,
        "agency_id": event.agency_id,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": str(event.case_id) if event.case_id is not None else None,
        "fields": list(event.fields),
        "outcome": event.outcome,
        "detail": dict(event.detail),
        "flagged": event.flagged,
    }


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def seal_mac(key: bytes, *, position: int, prev_mac: str, values: dict[str, Any]) -> str:
    """HMAC-SHA256 (hex) of a row's values at a position after `prev_mac`."""
    message = canonical(
        {"position": position, "prev_mac": prev_mac, "row": {name: values[name] for name in SEALED_FIELDS}}
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()
