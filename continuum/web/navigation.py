"""The navigation each role sees. A role lists only pages it can use; pages arrive with their issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from continuum.access import policy


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


def items_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [NavItem(_("Home"), reverse("web:home"))]
    if policy.may(user, "provider_portal"):
        items.append(NavItem(_("Referrals to us"), reverse("care:provider_referrals")))
    if policy.may(user, "directory"):
        items.append(NavItem(_("Provider directory"), reverse("care:directory")))
    if policy.may(user, "triage"):
        items.append(NavItem(_("Triage"), reverse("intake:queue")))
    if policy.can(user, "list"):
        items.append(NavItem(_("Cases"), reverse("cases:list")))
        items.append(NavItem(_("Work queue"), reverse("coordination:tasks")))
    if policy.may(user, "mdt"):
        items.append(NavItem(_("MDT meetings"), reverse("mdt:list")))
    if "review" in policy.operations_of(user, "audit_entry"):
        items.append(NavItem(_("Flagged access"), reverse("audit:flagged")))
    return items
