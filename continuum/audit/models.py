"""The tamper-evident audit log (SECURITY.md 12-13): append-only rows, each chained to the last.

A row holds ids, codes and field names, never a value that could describe a person. Rows are
never updated or deleted: a review of a flagged row is a new row that points at it. Each row
carries the hash of the previous one (`prev_hash`) and its own `hash` over its contents and id,
so `continuum audit verify` finds an edited, deleted or reordered row. On PostgreSQL a trigger
refuses UPDATE and DELETE on the table as well.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone

from continuum.core.sensitivity import Sensitivity

GENESIS_HASH = "0" * 64


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("The audit log is append-only.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit rows are written one at a time by continuum.audit.log.record().")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object (and case), when, and whether the policy allowed it.

    Written only by `continuum.audit.log.record`, which allocates the id and the hash.
    `actor_id` and `agency_id` are plain integers, not foreign keys, so that no cascade can ever
    touch an audit row.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.UUIDField(null=True, blank=True, db_index=True)
    fields = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    detail = models.JSONField(default=dict, blank=True)
    flagged = models.BooleanField(default=False, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        "id": Sensitivity.PUBLIC,
        "at": Sensitivity.CASE_FACT,
        "actor_id": Sensitivity.CASE_FACT,
        "agency_id": Sensitivity.CASE_FACT,
        "role": Sensitivity.CASE_FACT,
        "action": Sensitivity.CASE_FACT,
        "object_type": Sensitivity.PUBLIC,
        "object_id": Sensitivity.CASE_FACT,
        "case_id": Sensitivity.CASE_FACT,
        "fields": Sensitivity.CASE_FACT,
        "outcome": Sensitivity.CASE_FACT,
        "detail": Sensitivity.CASE_FACT,
        "flagged": Sensitivity.CASE_FACT,
        "prev_hash": Sensitivity.PUBLIC,
        "hash": Sensitivity.PUBLIC,
    }

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["actor_id", "at"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        if self.id is None or not self.hash or not self.prev_hash:
            raise TypeError("Audit rows are written by continuum.audit.log.record(), which chains them.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit log is append-only.")


class AuditChainHead(models.Model):
    """The one row (id=1) naming the last audit row: its id and hash, and how many rows exist.

    Locked (SELECT ... FOR UPDATE) by every writer, so rows are appended one at a time; and the
    verifier compares it with the last row, so rows deleted at the end of the chain are found.
    """

    id = models.BigAutoField(primary_key=True)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    count = models.BigIntegerField(default=0)

    SENSITIVITY: ClassVar[dict[str, Sensitivity]] = {
        "id": Sensitivity.PUBLIC,
        "last_id": Sensitivity.PUBLIC,
        "last_hash": Sensitivity.PUBLIC,
        "count": Sensitivity.PUBLIC,
    }

    def __str__(self) -> str:
        return f"audit chain head: #{self.last_id} ({self.count} rows)"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit chain head is never deleted.")
