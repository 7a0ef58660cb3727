"""Abstract bases shared by the domain models."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from continuum.core.sensitivity import FieldCategories, InfoCategory, SystemCategory


class TimeStamped(models.Model):
    """Creation and change times. Not auto_now: the synthetic generator sets them to its own clock."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    # The categories of these fields on a model that holds case data (continuum.core.sensitivity);
    # a model of reference or system data lists them itself.
    BASE_FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "created_at": InfoCategory.CASE_FACTS,
        "updated_at": InfoCategory.CASE_FACTS,
    }

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.updated_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)


class Versioned(TimeStamped):
    """A record people edit: an id that cannot be guessed or counted, and a version for
    optimistic locking (a stale edit is refused, SECURITY.md 19)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    BASE_FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        **TimeStamped.BASE_FIELD_CATEGORIES,
        "id": InfoCategory.CASE_FACTS,
        "version": InfoCategory.CASE_FACTS,
    }

    class Meta:
        abstract = True


class PeriodicJob(models.Model):
    """The schedule of one periodic job (continuum/core/jobs.py): when its next slot starts.

    A worker enqueues a due job by moving `next_run_at` on to the following slot in the same
    transaction that writes the job's row, and only if `next_run_at` still holds the value it
    read (continuum/core/worker.py): of two workers that find the same slot due, one enqueues it.
    """

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True, default="")

    FIELD_CATEGORIES: ClassVar[FieldCategories] = {
        "name": SystemCategory.SYSTEM,
        "next_run_at": SystemCategory.SYSTEM,
        "last_enqueued_at": SystemCategory.SYSTEM,
        "last_task_id": SystemCategory.SYSTEM,
    }

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at.isoformat()})"
