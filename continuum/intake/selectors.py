"""Reads of intake: the triage queue and the possible-duplicate hint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from continuum.access import policy
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.intake.models import Tip
from continuum.intake.referrals import Referral, ReferralStatus


def soundex(name: str) -> str:
    """American Soundex (the census rules), for the phonetic name hint until record linkage
    (the duplicate-detection capability) replaces it."""
    codes = {
        **dict.fromkeys("BFPV", "1"),
        **dict.fromkeys("CGJKQSXZ", "2"),
        **dict.fromkeys("DT", "3"),
        "L": "4",
        **dict.fromkeys("MN", "5"),
        "R": "6",
    }
    letters = [c for c in name.upper() if c.isalpha()]
    if not letters:
        return ""
    first, result, last = letters[0], [], codes.get(letters[0], "")
    for char in letters[1:]:
        code = codes.get(char, "")
        if code and code != last:
            result.append(code)
        if char not in "HW":
            last = code
    return (first + "".join(result) + "000")[:4]


def referrals_for(user: Any) -> QuerySet[Referral]:
    """The referrals a triage user may see: their region's, or every region's for statewide staff."""
    actor = policy.actor_of(user)
    if actor is None or not policy.may(user, "triage"):
        return Referral.objects.none()
    referrals = Referral.objects.select_related("region", "referring_agency")
    return referrals if actor.region_id is None else referrals.filter(region_id=actor.region_id)


def new_tips_for(user: Any) -> QuerySet[Tip]:
    """Tips have no region until taken up: every triage user sees the new ones."""
    if not policy.may(user, "triage"):
        return Tip.objects.none()
    return Tip.objects.filter(status="new").order_by("received_at", "id")


@dataclass(frozen=True)
class QueueItem:
    kind: str  # "tip" or "referral"
    received_at: dt.datetime
    tip: Tip | None
    referral: Referral | None
    duplicates: list[str]


def triage_queue(user: Any) -> list[QueueItem]:
    items = [QueueItem("tip", t.received_at, t, None, []) for t in new_tips_for(user)[:200]]
    for referral in referrals_for(user).filter(status=ReferralStatus.NEW).order_by("received_at")[:200]:
        items.append(
            QueueItem("referral", referral.received_at, None, referral, possible_duplicates(user, referral))
        )
    return sorted(items, key=lambda item: item.received_at)


def possible_duplicates(user: Any, referral: Referral) -> list[str]:
    """References of cases the user may see by name whose survivor matches by name and date of
    birth, exactly or by sound (Soundex of the last name)."""
    if not referral.survivor_birth_date or not referral.survivor_last_name:
        return []
    visible = Case.objects.restrict(user, "list", showing="identity")
    candidates = CaseParticipant.objects.filter(
        case__in=visible, role=ParticipantRole.SURVIVOR, person__birth_date=referral.survivor_birth_date
    ).select_related("person", "case")
    wanted = soundex(referral.survivor_last_name)
    first = referral.survivor_first_name.strip().lower()
    found = []
    for participant in candidates[:50]:
        person = participant.person
        same_sound = soundex(person.last_name) == wanted
        same_first = (
            not first
            or person.first_name.strip().lower() == first
            or soundex(person.first_name) == soundex(first)
        )
        if same_sound and same_first:
            found.append(participant.case.reference)
    return sorted(set(found))
