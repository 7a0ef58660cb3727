"""Reading the audit log. Callers decide who may read it (the policy); these only select rows."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from continuum.audit.models import AuditEvent


def events_for_case(case_id: uuid.UUID | str) -> QuerySet[AuditEvent]:
    """Every row about one case, newest first."""
    return AuditEvent.objects.filter(case_id=case_id).order_by("-at", "-id")


def flagged_events() -> QuerySet[AuditEvent]:
    """Rows flagged for a second person's review (break-glass, court orders), newest first."""
    return AuditEvent.objects.filter(flagged=True).order_by("-at", "-id")
