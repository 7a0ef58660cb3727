"""Generated: every operation of every protected model (continuum/access/registry.py), for every
persona, a system actor and an agency token, on rows of every situation the case rules know (own
team, child case, consent in force / expired / revoked / none, another region) and on cases opened
by a mandated report, a court order and break-glass. The engine (policy.restrict / allows) must
give exactly what an independent oracle reads from policy.yaml: the rule's clauses read with plain
yaml, the case terms through the case oracle, and each model's own relationships as plain Python
predicates written here (OWN), so a relationship a model registers without a predicate here fails
the test, and so does an operation with no rule (test_an_operation_without_a_rule_stops_the_start).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from continuum.access import grants, policy, registry, system
from continuum.access.models import BreakGlassGrant, CourtOrder
from continuum.access.tests.object_oracle import OWN, Oracle
from continuum.access.tests.scenario import PERSONA_NAMES, build
from continuum.audit import log as audit
from continuum.cases.models import Case, CaseParticipant, MandatedReport
from continuum.mdt.models import MdtAttendance
from continuum.org.models import Agency, ApiToken, User
from continuum.org.tokens import token_create

pytestmark = pytest.mark.django_db

ROWS_PER_MODEL = 12


@pytest.fixture
def world(db):
    """The permission matrix's situations, plus a case seen only through a mandated report (of
    another region), one through a court order, and one through break-glass."""
    picked = build()
    now = timezone.now()
    caseworker = User.objects.get(username="caseworker")
    admin = User.objects.get(username="admin")
    coordinator = User.objects.get(username="coordinator")
    hartford_pd = Agency.objects.get(name="Hartford Police Department")
    western = Case.objects.filter(region__code="western").order_by("-reference")
    reported = western.exclude(mandated_reports__agency=caseworker.membership.agency).first()
    MandatedReport.objects.create(case=reported, agency=caseworker.membership.agency, due_at=now)
    ordered = picked["no_consent"]
    CourtOrder.objects.create(
        case=ordered,
        agency=hartford_pd,
        categories=["identity"],
        docket_reference="HHD-CV26-0001",
        issued_on=now.date(),
        expires_at=now + dt.timedelta(days=30),
        recorded_by=coordinator,
    )
    glass = western.exclude(pk=reported.pk).first()
    # A second administrator used break-glass, so the persona `admin` may review it.
    other_admin = User.objects.create(username="admin_two", first_name="Ada", last_name="Two")
    BreakGlassGrant.objects.create(
        user=other_admin,
        case=glass,
        reason="A child may be in danger tonight.",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=60),
    )
    BreakGlassGrant.objects.create(
        user=admin,
        case=glass,
        reason="A child may be in danger tonight.",
        started_at=now,
        expires_at=now + dt.timedelta(minutes=60),
    )
    picked.update(mandated_report=reported, court_order=ordered, break_glass=glass)
    for case in picked.values():  # audit rows naming each case, for audit_entry
        audit.record(actor=coordinator, action="view", obj=case)
    _records_the_world_lacks(picked, coordinator, now)
    grants.rebuild(cases=picked.values())
    return picked


def _records_the_world_lacks(picked: dict[str, Case], coordinator: User, now: dt.datetime) -> None:
    """Follow-ups, plans and goals, screenings, MDT meetings (with an invitation, an agenda item
    and a minute) and triage referrals on the situation cases, which the session's synthetic world
    does not hold."""
    from continuum.cases.models import ReferralSource
    from continuum.coordination.models import (
        ContactMethod,
        ContactOutcome,
        FollowUpContact,
        PlanGoal,
        SupportPlan,
    )
    from continuum.core.htcds import SupportPlanType
    from continuum.intake.referrals import Referral
    from continuum.mdt.models import MdtAgendaItem, MdtMeeting, MdtMinute
    from continuum.screening.models import ScreeningOutcome, ScreeningResult

    advocate = User.objects.get(username="advocate")
    caseworker = User.objects.get(username="caseworker")
    for case in {c.pk: c for c in picked.values()}.values():
        survivor = CaseParticipant.objects.filter(case=case, role="survivor").first().person
        FollowUpContact.objects.create(
            case=case,
            survivor=survivor,
            contacted_at=now,
            method=ContactMethod.values[0],
            outcome=ContactOutcome.values[0],
            agency=advocate.membership.agency,
            made_by=advocate,
        )
        plan = SupportPlan.objects.create(
            case=case, survivor=survivor, plan_type=SupportPlanType.values[0], created_by=coordinator
        )
        for agency in (advocate.membership.agency, caseworker.membership.agency):
            PlanGoal.objects.create(
                plan=plan, description="A safe place", owner_agency=agency, created_by=coordinator
            )
        ScreeningResult.objects.create(
            case=case,
            person=survivor,
            instrument_name="continuum",
            instrument_version="1",
            result=ScreeningOutcome.values[0],
            screened_by=coordinator,
        )
    for code in ("greater-hartford", "western"):
        meeting = MdtMeeting.objects.create(
            region=Case.objects.filter(region__code=code).first().region,
            scheduled_for=now + dt.timedelta(days=3),
            chaired_by=coordinator,
        )
        case = picked["own_team"] if code == "greater-hartford" else picked["other_region"]
        item = MdtAgendaItem.objects.create(meeting=meeting, case=case, position=1, added_by=coordinator)
        MdtMinute.objects.create(item=item, category="case_facts", body="Seen.", author=coordinator)
        if code == "greater-hartford":
            MdtAttendance.objects.create(
                meeting=meeting, user=advocate, agency=advocate.membership.agency, recorded_by=coordinator
            )
        Referral.objects.create(
            region=meeting.region, source=ReferralSource.values[0], what_is_known="Someone is kept at work."
        )


def _rows(entry: registry.Protected, cases: list[Case]) -> list[Any]:
    """Rows of the model on the situation cases, and a few anywhere else."""
    manager = entry.model._default_manager
    rows = []
    if entry.case is not None:
        rows = list(
            manager.filter(**{f"{entry.case}__in": [c.pk for c in cases]}).distinct().order_by("pk")[:40]
        )
    seen = {row.pk for row in rows}
    rows += [row for row in manager.order_by("pk")[:ROWS_PER_MODEL] if row.pk not in seen]
    return rows


OPERATIONS = sorted((name, op) for name, entry in registry.protected().items() for op in entry.operations)


@pytest.mark.parametrize(("name", "op"), OPERATIONS, ids=[f"{n}.{o}" for n, o in OPERATIONS])
def test_every_operation_answers_as_the_policy_file_says(world, name, op):
    entry = registry.protected()[name]
    operation = f"{name}.{op}"
    users = [User.objects.select_related("membership__agency").get(username=u) for u in PERSONA_NAMES]
    judge = Oracle(policy.clock())
    outcomes: set[bool] = set()
    if op in entry.creates:
        targets = list(world.values()) if entry.case is not None else [None]
        for user in users:
            for case in targets:
                expected = judge.allows_create(user, operation, case)
                assert policy.allows(user, operation, case=case) == expected, (user.username, operation, case)
                outcomes.add(expected)
        assert operation in policy.policy().nobody or True in outcomes or _system_or_api_only(operation)
        return
    rows = _rows(entry, list(world.values()))
    if operation in policy.policy().nobody:
        for user in users:
            assert not policy.restrict(user, operation, entry.model._default_manager.all()).exists()
        return
    assert rows, f"the synthetic world has no {entry.label} to try {operation} on"
    ids = [row.pk for row in rows]
    for user in users:
        expected = {row.pk for row in rows if judge.allows_row(user, entry, op, row)}
        got = set(
            policy.restrict(user, operation, entry.model._default_manager.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
        assert got == expected, (user.username, operation, sorted(map(str, got ^ expected))[:5])
        for row in rows[:3]:
            assert policy.allows(user, operation, row) == (row.pk in expected), (
                user.username,
                operation,
                row.pk,
            )
        outcomes |= {row.pk in expected for row in rows}
    assert True in outcomes or _system_or_api_only(operation), f"no persona may {operation} on any row tried"


def _system_or_api_only(operation: str) -> bool:
    ruled = policy.policy()
    return any(operation in ops for ops in ruled.system.values()) or operation in ruled.scopes.api.values()


def test_the_oracle_knows_every_relationship_a_model_registers():
    registered = {(name, rel) for name, entry in registry.protected().items() for rel in entry.relationships}
    assert registered == set(OWN), registered ^ set(OWN)


@pytest.mark.parametrize("operation", sorted(f"{n}.{o}" for n, o in OPERATIONS))
def test_an_operation_without_a_rule_stops_the_start(operation):
    data = copy.deepcopy(yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8")))
    name, op = operation.split(".", 1)
    for rules in data["roles"].values():
        (rules.get("objects") or {}).get(name, {}).pop(op, None)
    data["nobody"] = [o for o in data.get("nobody") or [] if o != operation]
    data["system"] = {
        actor: [o for o in ops if o != operation] for actor, ops in (data.get("system") or {}).items()
    }
    data["scopes"]["api"] = {s: o for s, o in data["scopes"]["api"].items() if o != operation}
    with pytest.raises(ImproperlyConfigured, match="no rule"):
        policy.parse_policy(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["roles"]["advocate"]["objects"].update(no_such_model={"view": ["any"]}),
            "unknown model",
        ),
        (lambda d: d["roles"]["advocate"]["objects"]["task"].update(fly=["any"]), "no operation"),
        (
            lambda d: d["roles"]["advocate"]["objects"]["task"].update(view=["case.task & friend"]),
            "unknown relationship",
        ),
        (
            lambda d: d["roles"]["advocate"]["objects"]["task"].update(create=["owner_agency"]),
            "before the row exists",
        ),
        (
            lambda d: d["roles"]["advocate"]["objects"]["task"].update(view=["case.no_such_action"]),
            "a case action no role has",
        ),
        (
            lambda d: d["roles"]["intake"]["objects"]["referral"].update(view=["case.view"]),
            "reached through no case",
        ),
        (lambda d: d["nobody"].append("task.view"), "both ruled and under `nobody`"),
        (lambda d: d.update(nobody=["task.dance"]), "unknown operations"),
        (lambda d: d["scopes"]["api"].update({"cases:read": "referral.create"}), "unknown token scopes"),
        (lambda d: d["scopes"]["aggregate"].update(roles=["pollster"]), "unknown roles"),
    ],
)
def test_unknown_names_in_the_object_rules_stop_the_start(change, message):
    data = copy.deepcopy(yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8")))
    change(data)
    with pytest.raises(ImproperlyConfigured, match=message):
        policy.parse_policy(data)


def test_a_system_actor_may_only_what_its_section_lists(world):
    from continuum.care.models import ServiceReferral
    from continuum.coordination.models import Task

    reminders = system.actor("care.reminders")
    everything = ServiceReferral.objects.all()
    assert policy.restrict(reminders, "service_referral.remind", everything).count() == everything.count()
    assert not policy.restrict(reminders, "service_referral.view", everything).exists()
    tasks = Task.objects.all()
    assert tasks.exists() and not policy.restrict(reminders, "task.view", tasks).exists()


def test_an_agency_token_may_what_its_scope_maps_to(world):
    agency = Agency.objects.get(name="Hartford Police Department")
    token, _secret = token_create(agency=agency, name="records system", scopes=["referrals:create"], days=30)
    assert policy.allows(token, "referral.create")
    assert not policy.allows(token, "tip.take_up", Case.objects.first())
    token.revoked_at = timezone.now()
    assert not policy.allows(token, "referral.create")
    expired = ApiToken.objects.get(pk=token.pk)
    expired.expires_at = timezone.now() - dt.timedelta(seconds=1)
    assert not policy.allows(expired, "referral.create")


def test_a_restricted_queryset_holds_each_row_once(world):
    """A person in several cases the user may view is listed once (a semi-join, not a join)."""
    from django.db.models import Count

    from continuum.people.models import Person

    coordinator = User.objects.get(username="coordinator")
    case = CaseParticipant.objects.filter(case__region__code="greater-hartford").first().case
    person = Person.objects.create(first_name="Twice", last_name="Seen")
    other = Case.objects.filter(region__code="greater-hartford").exclude(pk=case.pk).first()
    for on in (case, other):
        CaseParticipant.objects.create(case=on, person=person, role="witness")
    assert Person.objects.filter(pk=person.pk).annotate(n=Count("participations")).get().n == 2
    shown = policy.restrict(coordinator, "person.view", Person.objects.filter(pk=person.pk))
    assert list(shown.values_list("pk", flat=True)) == [person.pk]


def test_require_refuses_with_a_404_and_an_audit_row(world):
    from continuum.audit.models import AuditEvent
    from continuum.coordination.models import Task

    task = Task.objects.filter(case__region__code="greater-hartford").first()
    outsider = User.objects.get(username="detective_west")
    before = AuditEvent.objects.filter(action="deny").count()
    with pytest.raises(policy.Denied):
        policy.require(outsider, "task.complete", task)
    row = AuditEvent.objects.filter(action="deny").order_by("-pk").first()
    assert AuditEvent.objects.filter(action="deny").count() == before + 1
    assert row.object_type == "coordination.Task" and row.detail["attempted"] == "task.complete"


def test_the_permission_matrix_in_the_docs_is_what_the_command_prints():
    from pathlib import Path

    from continuum.access import matrix

    document = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
    assert document.read_text(encoding="utf-8") == matrix.markdown(), (
        "docs/permissions.md is stale: run `continuum access matrix --out docs/permissions.md`"
    )
    for operation, _label, _who in matrix.rows():
        assert f"`{operation}`" in document.read_text(encoding="utf-8")
