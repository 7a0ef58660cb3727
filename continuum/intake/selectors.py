"""Reads of intake: the triage queue and the possible-duplicate hint."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

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
    return policy.restrict(
        user, "referral.view", Referral.objects.select_related("region", "referring_agency")
    )


def new_tips_for(user: Any) -> QuerySet[Tip]:
    """Tips have no region until taken up: every triage user sees the new ones."""
    return policy.restrict(user, "tip.view", Tip.objects.filter(status="new")).order_by("received_at", "id")


@dataclass(frozen=True)
class QueueItem:
    kind: str  # "tip" or "referral"
    received_at: dt.datetime
    tip: Tip | None
    referral: Referral | None
    duplicates: list[str]


# How many of each (tips, referrals) the queue shows, oldest first, and where its counts stop.
QUEUE_SHOWN = 50
COUNT_CAP = 1000


@dataclass(frozen=True)
class Waiting:
    """How many new tips and referrals wait (`COUNT_CAP` at most each; `capped` when reached)."""

    tips: int
    referrals: int
    capped: bool


def _shown_and_count(queryset: QuerySet[Any], shown: int) -> tuple[list[Any], int]:
    """The first `shown` rows, and the count: settled by the rows when they are fewer, otherwise
    one COUNT that stops at COUNT_CAP + 1."""
    rows = list(queryset[: shown + 1])
    if len(rows) <= shown:
        return rows, len(rows)
    return rows[:shown], queryset[: COUNT_CAP + 1].count()


def triage_queue(user: Any, *, shown: int = QUEUE_SHOWN) -> tuple[list[QueueItem], Waiting]:
    """The oldest new tips and new referrals (`shown` of each), with the possible-duplicate hints
    of all the referrals found in one query, and how many of each wait: the queue costs the same
    few queries and renders the same few rows however many cases or referrals there are."""
    # Only what the queue shows of a tip: its other encrypted fields (where, contact) would each
    # be decrypted for every row and never shown.
    tips, n_tips = _shown_and_count(
        new_tips_for(user).only("id", "language", "what_happened", "status", "received_at"), shown
    )
    referrals, n_referrals = _shown_and_count(
        referrals_for(user).filter(status=ReferralStatus.NEW).order_by("received_at", "id"), shown
    )
    items = [QueueItem("tip", t.received_at, t, None, []) for t in tips]
    hints = duplicates_of(user, referrals)
    for referral in referrals:
        items.append(QueueItem("referral", referral.received_at, None, referral, hints.get(referral.pk, [])))
    waiting = Waiting(
        tips=min(n_tips, COUNT_CAP),
        referrals=min(n_referrals, COUNT_CAP),
        capped=max(n_tips, n_referrals) > COUNT_CAP,
    )
    return sorted(items, key=lambda item: item.received_at), waiting


def possible_duplicates(user: Any, referral: Referral) -> list[str]:
    """References of cases the user may see by name whose survivor matches by name and date of
    birth, exactly or by sound (Soundex of the last name)."""
    return duplicates_of(user, [referral]).get(referral.pk, [])


# Survivors looked at per date of birth (the hint is a hint, not record linkage).
CANDIDATES_PER_DATE = 50


def duplicates_of(user: Any, referrals: list[Referral]) -> dict[Any, list[str]]:
    """`possible_duplicates` of each referral (by id), in one query for them all."""
    wanted = [r for r in referrals if r.survivor_birth_date and r.survivor_last_name]
    if not wanted:
        return {}
    dates = {r.survivor_birth_date for r in wanted}
    visible = Case.objects.restrict(user, "list", showing="identity")
    candidates = (
        CaseParticipant.objects.filter(
            case__in=visible, role=ParticipantRole.SURVIVOR, person__birth_date__in=dates
        )
        .select_related("person", "case")
        .annotate(rank=Window(RowNumber(), partition_by=F("person__birth_date"), order_by=F("id").asc()))
        .filter(rank__lte=CANDIDATES_PER_DATE)
        .order_by("person__birth_date", "id")
    )
    by_date: dict[dt.date | None, list[CaseParticipant]] = {}
    for participant in candidates:
        by_date.setdefault(participant.person.birth_date, []).append(participant)
    hints: dict[Any, list[str]] = {}
    for referral in wanted:
        wanted_sound = soundex(referral.survivor_last_name)
        first = referral.survivor_first_name.strip().lower()
        references = set()
        for candidate in by_date.get(referral.survivor_birth_date, []):
            person = candidate.person
            same_sound = soundex(person.last_name) == wanted_sound
            same_first = (
                not first
                or person.first_name.strip().lower() == first
                or soundex(person.first_name) == soundex(first)
            )
            if same_sound and same_first:
                references.add(candidate.case.reference)
        hints[referral.pk] = sorted(references)
    return hints
