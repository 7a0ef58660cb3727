"""Reads of reference data (regions) that any signed-in staff member may see, and of a case's court
orders for a reader the policy let in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from continuum.org.models import Region

if TYPE_CHECKING:
    from continuum.access.policy import CaseAccess

from continuum.access.models import CourtOrder
from continuum.access.policy import CaseAccess


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def court_orders_of(access: CaseAccess) -> QuerySet[CourtOrder]:
    return CourtOrder.objects.filter(case=access.case).select_related("agency").order_by("-issued_on", "-id")
