"""The tamper-evident audit log (SECURITY.md 12-13): append-only rows, sealed in a keyed chain.

A row holds ids, codes and field names, never a value that could describe a person. Rows are
never updated or deleted: a review of a flagged row is a new row that points at it.

The request path only appends an `AuditEvent` (continuum.audit.log.record) and locks nothing
shared. The sequencer (continuum.audit.sequencer) then gives each row the next position in the
chain: one `AuditSeal` per row, whose `mac` is an HMAC, under a key kept outside the database, of
the row's contents, its position and the previous seal's mac. Signed checkpoints of the chain's
end are written outside the database. `continuum audit verify` recomputes every seal with the
key and compares the chain with every checkpoint. On PostgreSQL a trigger refuses UPDATE and
DELETE on both tables as well.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone

from continuum.core.sensitivity import FieldCategories, SystemCategory

# The `prev_mac` of the seal at position 1.
GENESIS_MAC = "0" * 64


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

    Written only by `continuum.audit.log.record`; the id comes from the database's sequence, so
    two requests append at the same time without waiting for each other (ids may have gaps where
    a transaction rolled back, and may commit out of order). `actor_id` and `agency_id` are plain
    integers, not foreign keys, so that no cascade can ever touch an audit row.
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

    objects = AuditEventQuerySet.as_manager()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": SystemCategory.SYSTEM,
        "at": SystemCategory.SYSTEM,
        "actor_id": SystemCategory.SYSTEM,
        "agency_id": SystemCategory.SYSTEM,
        "role": SystemCategory.SYSTEM,
        "action": SystemCategory.SYSTEM,
        "object_type": SystemCategory.SYSTEM,
        "object_id": SystemCategory.SYSTEM,
        "case_id": SystemCategory.SYSTEM,
        "fields": SystemCategory.SYSTEM,
        "outcome": SystemCategory.SYSTEM,
        "detail": SystemCategory.SYSTEM,
        "flagged": SystemCategory.SYSTEM,
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
        if not getattr(self, "_checked_by_record", False):
            raise TypeError("Audit rows are written by continuum.audit.log.record(), which checks them.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit log is append-only.")


class AuditSealQuerySet(models.QuerySet["AuditSeal"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit chain is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("The audit chain is append-only.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit chain is append-only.")


class AuditSeal(models.Model):
    """The link of one audit row in the chain, written by the sequencer in sealing order.

    `position` counts from 1 without gaps; `mac` = HMAC-SHA256 (the seal key of
    continuum.audit.keys) of the row's contents, `position` and `prev_mac`, the mac of the seal
    before (GENESIS_MAC at position 1). A row that committed after a later id was sealed simply
    gets the next position when it is seen. `event_id` is a plain integer, like the actor
    columns: no cascade can reach the chain.
    """

    position = models.BigIntegerField(primary_key=True)
    event_id = models.BigIntegerField(unique=True)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(default=timezone.now)

    objects = AuditSealQuerySet.as_manager()

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "position": SystemCategory.SYSTEM,
        "event_id": SystemCategory.SYSTEM,
        "prev_mac": SystemCategory.SYSTEM,
        "mac": SystemCategory.SYSTEM,
        "sealed_at": SystemCategory.SYSTEM,
    }

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"seal {self.position}: row #{self.event_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit chain is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("The audit chain is append-only.")


class AuditSequencer(models.Model):
    """The sequencer's own row (id=1): locked by the sequencer only, never by a request.

    `horizon_id`: every row with an id up to it had been sealed by the last run, and was older
    than the grace period then, so the next run looks only above it. It is a shortcut, not a
    proof: `verify` trusts only the key and the checkpoints, and reads every row.
    """

    id = models.BigAutoField(primary_key=True)
    horizon_id = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "id": SystemCategory.SYSTEM,
        "horizon_id": SystemCategory.SYSTEM,
        "ran_at": SystemCategory.SYSTEM,
    }

    def __str__(self) -> str:
        return f"audit sequencer: horizon #{self.horizon_id}"
