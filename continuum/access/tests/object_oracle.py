"""The object rules' oracle, for the tests: policy.yaml `objects` read with plain yaml, the case
terms through the case oracle (oracle.py), and each model's own relationships as plain Python
predicates over a row (OWN), independent of the ORM filters the models register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from continuum.access import registry
from continuum.access.models import BreakGlassGrant
from continuum.access.tests import oracle
from continuum.access.tests.scenario import oracle_world
from continuum.cases.models import Case
from continuum.mdt.models import MdtAttendance
from continuum.org.models import AgencyKind, User

POLICY = oracle.POLICY

# Each model's own relationships, as plain Python over a row (w: the oracle's World of the user).
OWN: dict[tuple[str, str], Callable[[oracle.World, Any], bool]] = {
    ("task", "owner_agency"): lambda w, row: row.agency_id == w.agency_id,
    ("task", "assignee"): lambda w, row: row.assignee_id == w.user_id,
    ("plan_goal", "owner_agency"): lambda w, row: row.owner_agency_id == w.agency_id,
    ("mdt_meeting", "chair_region"): lambda w, row: w.region_id is not None and row.region_id == w.region_id,
    ("mdt_meeting", "invited"): lambda w, row: MdtAttendance.objects.filter(
        meeting=row, user_id=w.user_id
    ).exists(),
    ("referral", "in_region"): lambda w, row: w.region_id is None or row.region_id == w.region_id,
    ("service", "own_agency"): lambda w, row: (
        row.agency_id == w.agency_id and row.agency.kind == AgencyKind.SERVICE_PROVIDER
    ),
    ("service", "in_region"): lambda w, row: (
        row.agency.kind == AgencyKind.SERVICE_PROVIDER
        and (w.region_id is None or row.agency.region_id == w.region_id)
    ),
    ("service_referral", "to_agency"): lambda w, row: row.service.agency_id == w.agency_id,
    ("break_glass", "someone_else"): lambda w, row: row.user_id != w.user_id,
    ("investigation", "own_agency"): lambda w, row: row.agency_id == w.agency_id,
    ("arrest", "own_agency"): lambda w, row: row.agency_id == w.agency_id,
    ("prosecution", "own_agency"): lambda w, row: row.agency_id == w.agency_id,
}


def _case_ids_of(entry: registry.Protected, row: Any) -> list[Any]:
    """The case(s) of a row, by walking its registered path with plain attribute reads."""
    assert entry.case is not None
    objects = [row]
    parts = entry.case.split("__")
    for part in parts[:-1]:
        nxt = []
        for obj in objects:
            value = getattr(obj, part)
            nxt.extend(value.all() if hasattr(value, "all") else [value])
        objects = nxt
    last = parts[-1]
    attr = last if last.endswith("_id") else f"{last}_id"
    return [getattr(obj, attr) for obj in objects if getattr(obj, attr) is not None]


def _world(user: User, case: Case, now: dt.datetime) -> oracle.World:
    world = oracle_world(user, case)
    world.grants = [
        (g.user_id, g.started_at, g.expires_at) for g in BreakGlassGrant.objects.filter(case=case)
    ]
    return world


class Oracle:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._worlds: dict[tuple[int, Any], oracle.World] = {}

    def world(self, user: User, case_id: Any) -> oracle.World:
        key = (user.pk, case_id)
        if key not in self._worlds:
            self._worlds[key] = _world(user, Case.objects.get(pk=case_id), self.now)
        return self._worlds[key]

    def plain(self, user: User) -> oracle.World:
        membership = user.membership
        return oracle.World(
            user_id=user.pk,
            role=membership.role if membership.active else None,
            agency_id=membership.agency_id,
            region_id=membership.agency.region_id,
            case_region_id=-1,
            case_age_group="",
        )

    def clauses(self, role: str | None, operation: str) -> list[list[str]]:
        name, op = operation.split(".", 1)
        rules = (POLICY["roles"].get(role or "", {}).get("objects") or {}).get(name, {}).get(op, [])
        return [[t.strip() for t in clause.split("&")] for clause in rules]

    def term(self, user: User, entry: registry.Protected, term: str, row: Any, case_id: Any) -> bool:
        if term == "any":
            return True
        if term.startswith("case."):
            return case_id is not None and oracle.allowed(self.world(user, case_id), term[5:], self.now)
        return OWN[(entry.name, term)](self.plain(user), row)

    def allows_row(self, user: User, entry: registry.Protected, op: str, row: Any) -> bool:
        role = user.membership.role if user.membership.active else None
        case_ids = _case_ids_of(entry, row) if entry.case else [None]
        for clause in self.clauses(role, f"{entry.name}.{op}"):
            # a row reached through several cases (a person) is allowed through any one of them
            if any(all(self.term(user, entry, t, row, c) for t in clause) for c in case_ids or [None]):
                return True
        return False

    def allows_create(self, user: User, operation: str, case: Case | None) -> bool:
        role = user.membership.role if user.membership.active else None
        for clause in self.clauses(role, operation):
            if all(
                t == "any" or (case is not None and self.term(user, None, t, None, case.pk)) for t in clause
            ):  # type: ignore[arg-type]
                return True
        return False
