"""The one module that decides who may see or do what with protected data.

Version 1 (the foundation): only a taskforce coordinator may list or open cases, and only the
cases of the coordinator's own region. Everyone else sees nothing. The access-and-audit issue
replaces the body of these functions with the role x action x relationship matrix kept as data;
the signatures below are the door every view, API endpoint, export and job goes through, and
they stay.

Fail closed: any error while deciding yields an empty result or a 404, never data.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.http import Http404

from continuum.access.models import Role

if TYPE_CHECKING:
    from continuum.cases.models import Case, CaseQuerySet

logger = logging.getLogger(__name__)

CASE_ACTIONS = frozenset({"view", "list"})


def _membership(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.active:
        return None
    return membership


def restrict_cases(queryset: CaseQuerySet, user: Any, action: str) -> CaseQuerySet:
    """The cases `user` may `action`; an empty queryset when in doubt."""
    try:
        if action not in CASE_ACTIONS:
            return queryset.none()
        membership = _membership(user)
        if membership is None or membership.role != Role.COORDINATOR:
            return queryset.none()
        region_id = membership.agency.region_id
        if region_id is None:
            return queryset.none()
        return queryset.filter(region_id=region_id)
    except Exception:
        logger.exception("policy error while restricting cases; denying")
        return queryset.none()


def access_case(user: Any, case_id: uuid.UUID | str, action: str = "view") -> Case:
    """One case, or Http404 alike for "does not exist" and "not allowed"."""
    from continuum.cases.models import Case

    try:
        key = uuid.UUID(str(case_id))
    except ValueError:
        raise Http404("No such case.") from None
    cases = Case.objects.select_related("region", "town", "lead_agency", "referring_agency")
    case = restrict_cases(cases, user, action).filter(pk=key).first()
    if case is None:
        raise Http404("No such case.")
    return case


def can_list_cases(user: Any) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role == Role.COORDINATOR
