"""The synthetic world's care and justice records agree with its journey events.

Every arrest, charge, disposition, investigation, service referral and unmet need step of a journey
has its row (same case, moment and agency, the same suspect, statute, service type or reason), and
no row is without its step; a referral's status is its last step; a charge's offense level is the
statute table's. Checked on the session world (in this process) and on a 300-case world written by
the real command line into a fresh database.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

import pytest

from continuum.care.models import ReferralStatus, ServiceReferral, UnmetNeed, UnmetReason
from continuum.cases.models import Case, CaseParticipant, ParticipantRole
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.justice import statutes
from continuum.justice.models import (
    Arrest,
    Charge,
    Disposition,
    Investigation,
    Outcome,
    Prosecution,
    ProsecutionStatus,
)
from continuum.org.models import Agency, AgencyKind
from continuum.synth.tests.databases import empty_database, run_continuum

STATUS_AFTER = {
    EventKind.SERVICE_REFERRAL_SENT: ReferralStatus.SENT,
    EventKind.SERVICE_REFERRAL_ACCEPTED: ReferralStatus.ACCEPTED,
    EventKind.SERVICE_REFERRAL_DECLINED: ReferralStatus.DECLINED,
    EventKind.SERVICE_STARTED: ReferralStatus.STARTED,
    EventKind.SERVICE_COMPLETED: ReferralStatus.COMPLETED,
}
KINDS = {
    *STATUS_AFTER,
    EventKind.UNMET_NEED_RECORDED,
    EventKind.INVESTIGATION_OPENED,
    EventKind.ARREST_MADE,
    EventKind.CHARGE_FILED,
    EventKind.PROSECUTION_DISPOSED,
}


def _compare(
    problems: dict[str, list[str]], what: str, from_events: Iterable[Hashable], from_rows: Iterable[Hashable]
) -> None:
    expected, actual = Counter(from_events), Counter(from_rows)
    if missing := list((expected - actual).elements()):
        problems[what].append(f"{len(missing)} steps without a row, e.g. {missing[:3]}")
    if extra := list((actual - expected).elements()):
        problems[what].append(f"{len(extra)} rows without a step, e.g. {extra[:3]}")


def records_problems() -> dict[str, Any]:
    """What disagrees between the journey events and the care and justice rows of the database,
    by record type (empty when all agree), and how many rows of each type there are."""
    problems: dict[str, list[str]] = defaultdict(list)
    events: dict[str, list[tuple[int, Any, Any, int | None, dict[str, Any]]]] = defaultdict(list)
    for event_id, case_id, kind, at, agency_id, data in (
        JourneyEvent.objects.filter(kind__in=KINDS)
        .order_by("occurred_at", "id")
        .values_list("id", "case_id", "kind", "occurred_at", "agency_id", "data")
    ):
        events[kind].append((event_id, case_id, at, agency_id, data))
    region_of = dict(Case.objects.values_list("id", "region_id"))
    prosecutors = {
        region: agency
        for agency, region in Agency.objects.filter(kind=AgencyKind.PROSECUTION).values_list(
            "id", "region_id"
        )
    }

    _compare(
        problems,
        "investigation",
        ((case, at, agency) for _, case, at, agency, _ in events[EventKind.INVESTIGATION_OPENED]),
        Investigation.objects.values_list("case_id", "opened_at", "agency_id"),
    )

    suspects = set(
        CaseParticipant.objects.filter(role=ParticipantRole.SUSPECT).values_list("case_id", "person_id")
    )
    arrests = list(
        Arrest.objects.values_list("investigation__case_id", "suspect_id", "arrested_at", "agency_id")
    )
    _compare(
        problems,
        "arrest",
        ((case, d["suspect"], at, agency) for _, case, at, agency, d in events[EventKind.ARREST_MADE]),
        ((case, str(suspect), at, agency) for case, suspect, at, agency in arrests),
    )
    problems["arrest"] += [
        f"{s} is not a suspect of case {c}" for c, s, _, _ in arrests if (c, s) not in suspects
    ]

    charges = list(
        Charge.objects.values_list(
            "id", "arrest__investigation__case_id", "statute", "offense_level", "filed_at"
        )
    )
    _compare(
        problems,
        "charge",
        ((case, d["statute"], d.get("level"), at) for _, case, at, _, d in events[EventKind.CHARGE_FILED]),
        ((case, statute, level, at) for _, case, statute, level, at in charges),
    )
    for _, _, section, level, _ in charges:
        try:
            found = statutes.statute(section)
        except LookupError:
            problems["charge"].append(f"{section} is not in the statute table")
            continue
        if level != found.level:
            problems["charge"].append(f"{section} has level {level}, the table says {found.level}")

    prosecutions = {p.id: p for p in Prosecution.objects.all()}
    links = list(Prosecution.charges.through.objects.values_list("prosecution_id", "charge_id"))
    charge_case = {charge: case for charge, case, _, _, _ in charges}
    disposed_charges = set(Disposition.objects.values_list("charge_id", flat=True))
    if sorted(charge for _, charge in links) != sorted(charge_case):
        problems["prosecution"].append("not every charge is in exactly one prosecution")
    charges_of: dict[Any, list[Any]] = defaultdict(list)
    for prosecution_id, charge_id in links:
        charges_of[prosecution_id].append(charge_id)
    for prosecution in prosecutions.values():
        mine = charges_of[prosecution.id]
        if not mine or any(charge_case[c] != prosecution.case_id for c in mine):
            problems["prosecution"].append(f"{prosecution.id} has no charge or one of another case")
        if prosecution.agency_id != prosecutors[region_of[prosecution.case_id]]:
            problems["prosecution"].append(f"{prosecution.id} is not by the region's state's attorney")
        disposed = all(c in disposed_charges for c in mine)
        if (prosecution.status == ProsecutionStatus.DISPOSED) != disposed:
            problems["prosecution"].append(f"{prosecution.id} is {prosecution.status}")

    dispositions = list(
        Disposition.objects.values_list(
            "charge__arrest__investigation__case_id",
            "decided_at",
            "outcome",
            "charge__prosecutions__agency_id",
        )
    )
    _compare(
        problems,
        "disposition",
        (
            (case, at, d["disposition"], agency)
            for _, case, at, agency, d in events[EventKind.PROSECUTION_DISPOSED]
        ),
        dispositions,
    )
    problems["disposition"] += [
        f"unknown outcome {o}" for _, _, o, _ in dispositions if o not in Outcome.values
    ]

    referrals = {str(r.id): r for r in ServiceReferral.objects.select_related("service", "service__agency")}
    _compare(
        problems,
        "referral",
        (
            (case, d["service_type"], at, d["provider"])
            for _, case, at, _, d in events[EventKind.SERVICE_REFERRAL_SENT]
        ),
        ((r.case_id, r.service.service_type, r.sent_at, r.service.agency_id) for r in referrals.values()),
    )
    last_step: dict[str, tuple[Any, int, EventKind]] = {}
    for kind in STATUS_AFTER:
        for event_id, _, at, _, d in events[kind]:
            step = (at, event_id, kind)
            last_step[d["referral"]] = max(last_step.get(d["referral"], step), step, key=lambda s: s[:2])
    for ref, referral in referrals.items():
        found = last_step.get(ref)
        if found is None or STATUS_AFTER[found[2]] != referral.status:
            problems["referral"].append(f"{ref} is {referral.status}, its last step is {found}")
        if referral.service.agency.kind != AgencyKind.SERVICE_PROVIDER:
            problems["referral"].append(f"{ref} goes to an agency that is not a provider")
    if set(last_step) != set(referrals):
        problems["referral"].append("service steps name referrals that are not in the database")

    needs = list(
        UnmetNeed.objects.values_list("case_id", "service_type", "recorded_at", "reason", "region_id")
    )
    _compare(
        problems,
        "unmet need",
        (
            (case, d["need_type"], at, d["reason"])
            for _, case, at, _, d in events[EventKind.UNMET_NEED_RECORDED]
        ),
        ((case, service_type, at, reason) for case, service_type, at, reason, _ in needs),
    )
    problems["unmet need"] += [
        f"need of case {case} has reason {reason} or region {region}"
        for case, _, _, reason, region in needs
        if reason not in UnmetReason.values or region != region_of[case]
    ]

    counts = {
        "investigations": Investigation.objects.count(),
        "arrests": len(arrests),
        "charges": len(charges),
        "prosecutions": len(prosecutions),
        "dispositions": len(dispositions),
        "referrals": len(referrals),
        "needs": len(needs),
        "statuses": sorted({r.status for r in referrals.values()}),
    }
    return {"problems": {k: v for k, v in problems.items() if v}, "counts": counts}


def _assert_agree(report: dict[str, Any]) -> None:
    assert report["problems"] == {}
    counts = report["counts"]
    assert all(counts[k] > 0 for k in counts if k != "statuses"), counts
    assert set(counts["statuses"]) >= {"declined", "started", "completed"}


@pytest.mark.django_db
def test_the_session_worlds_records_agree_with_its_journeys():
    _assert_agree(records_problems())


@pytest.mark.django_db
def test_a_300_case_world_written_by_the_command_line_has_records_that_agree_with_its_journeys(tmp_path):
    with empty_database(tmp_path, "records") as env:
        run_continuum(env, "migrate", "--verbosity", "0")
        run_continuum(env, "synth", "--cases", "300", "--seed", "5")
        out = run_continuum(
            env,
            "shell",
            "--command",
            "import json; from continuum.synth.tests.test_records import records_problems; "
            "print(json.dumps(records_problems(), default=str))",
        )
    _assert_agree(json.loads(out.strip().splitlines()[-1]))
