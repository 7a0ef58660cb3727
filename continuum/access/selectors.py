"""Reads of reference data (regions, agencies) that any signed-in staff member may see."""

from __future__ import annotations

from django.db.models import QuerySet

from continuum.access.models import Region


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")
