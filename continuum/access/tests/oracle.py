"""An independent oracle of the access policy, for the tests.

It reads policy.yaml with nothing but yaml and plain Python, and computes a user's relationships
with a case from plain objects, without the ORM expressions that continuum.access.policy uses.
The tests compare the two on the synthetic world and on random scenarios (hypothesis).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

POLICY = yaml.safe_load((Path(__file__).resolve().parents[1] / "policy.yaml").read_text(encoding="utf-8"))


@dataclass
class World:
    """Plain facts about one case, as seen from one user."""

    user_id: int
    role: str | None
    agency_id: int | None
    region_id: int | None
    case_region_id: int
    case_age_group: str
    team: list[tuple[int, int, bool]] = field(default_factory=list)  # (user_id, agency_id, removed)
    reports: list[int] = field(default_factory=list)  # agency ids
    consents: list[tuple[int, dt.datetime, dt.datetime, bool, tuple[str, ...]]] = field(default_factory=list)
    orders: list[tuple[int, dt.datetime, tuple[str, ...]]] = field(default_factory=list)
    grants: list[tuple[int, dt.datetime, dt.datetime]] = field(default_factory=list)  # (user, start, end)


def relationships(w: World, now: dt.datetime) -> set[str]:
    if w.role is None:
        return set()
    found = {"any"}
    if w.region_id is not None and w.case_region_id == w.region_id:
        found.add("same_region")
        if w.case_age_group == "minor":
            found.add("minor_in_region")
    if any(user == w.user_id and not removed for user, _, removed in w.team):
        found.add("case_team")
    if any(agency == w.agency_id and not removed for _, agency, removed in w.team):
        found.add("agency_on_team")
    if w.agency_id in w.reports:
        found.add("mandated_report")
    if any(
        a == w.agency_id and start <= now < end and not revoked for a, start, end, revoked, _ in w.consents
    ):
        found.add("consent")
    if any(a == w.agency_id and now < end for a, end, _ in w.orders):
        found.add("court_order")
    if any(u == w.user_id and start <= now < end for u, start, end in w.grants):
        found.add("break_glass")
    return found


def allowed(w: World, action: str, now: dt.datetime) -> bool:
    rules = POLICY["roles"].get(w.role or "", {})
    needed = set(rules.get("case", {}).get(action, []))
    return bool(needed & relationships(w, now))


def categories(w: World, now: dt.datetime) -> set[str]:
    rules = POLICY["roles"].get(w.role or "", {})
    rels = relationships(w, now)
    granted: set[str] = set()
    for rel, cats in rules.get("grants", {}).items():
        if rel in rels:
            granted |= set(cats)
    consentable = set(rules.get("consent", []))
    if "consent" in rels:
        for a, start, end, revoked, cats in w.consents:
            if a == w.agency_id and start <= now < end and not revoked:
                granted |= set(cats) & consentable
    if "court_order" in rels:
        for a, end, cats in w.orders:
            if a == w.agency_id and now < end:
                granted |= set(cats) & consentable
    return granted - set(rules.get("never", []))
