"""No lost updates (SECURITY.md 19): every action that edits a record people edit takes the version
the editor read as a required `expected_version`, and goes through continuum.core.locking. A stale
version is refused with StaleEdit, nothing of the edit is saved and the row keeps its version; a
version from a form or a JSON body is a whole number from 1 up, or a form error."""

from __future__ import annotations

import datetime as dt
import inspect
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Model
from django.utils import timezone

from continuum.care import actions as care_actions
from continuum.cases import actions as case_actions
from continuum.cases.models import Case, CaseParticipant
from continuum.coordination import actions as coordination_actions
from continuum.coordination.models import SupportPlan
from continuum.core.htcds import SupportPlanType
from continuum.core.locking import VERSION_MAX, StaleEdit, VersionField, parse_version
from continuum.intake import actions as intake_actions
from continuum.justice import actions as justice_actions
from continuum.mdt import actions as mdt_actions
from continuum.org.models import User

# Every action that edits a versioned row someone opened (actions that create rows take none).
EDIT_ACTIONS: list[Callable[..., Any]] = [
    case_actions.case_update,
    case_actions.case_close,
    coordination_actions.task_assign,
    coordination_actions.plan_update,
    coordination_actions.goal_close,
    mdt_actions.meeting_hold,
    mdt_actions.meeting_cancel,
    care_actions.service_referral_send,
    care_actions.service_referral_answer,
    care_actions.service_referral_start,
    care_actions.service_referral_close,
    care_actions.unmet_need_meet,
    care_actions.provider_service_update,
    justice_actions.investigation_status_set,
    justice_actions.investigation_close,
    intake_actions.referral_to_case,
]


@pytest.mark.parametrize("action", EDIT_ACTIONS, ids=lambda action: action.__name__)
def test_every_edit_action_requires_the_version_as_a_keyword(action):
    parameter = inspect.signature(action).parameters["expected_version"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty
    assert parameter.annotation in {int, "int"}


@pytest.mark.django_db
@pytest.mark.parametrize("action", EDIT_ACTIONS, ids=lambda action: action.__name__)
def test_calling_an_edit_action_without_the_version_is_a_type_error(action):
    others = {
        name: object()
        for name, parameter in inspect.signature(action).parameters.items()
        if parameter.default is inspect.Parameter.empty and name != "expected_version"
    }
    with pytest.raises(TypeError, match="expected_version"):
        action(**others)


# --- a stale version is refused and changes nothing ----------------------------------------------


def _coordinator() -> User:
    return User.objects.select_related("membership__agency__region").get(username="coordinator")


def _new_referral(coordinator: User, **values: Any) -> Any:
    return intake_actions.referral_create(
        actor=coordinator,
        region=coordinator.membership.agency.region,
        source="law_enforcement",
        received_at=timezone.now(),
        what_is_known="Made to work at a farm.",
        **values,
    )


def _new_case(coordinator: User) -> Case:
    referral = _new_referral(coordinator, survivor_first_name="Ana")
    return intake_actions.referral_to_case(
        actor=coordinator, referral=referral, expected_version=referral.version
    )


def _plan(coordinator: User, case: Case) -> SupportPlan:
    survivor = CaseParticipant.objects.get(case=case, role="survivor").person
    return coordination_actions.plan_create(
        actor=coordinator,
        case=case,
        survivor=survivor,
        plan_type=SupportPlanType.EDUCATION,
        objectives="School",
    )


def _soon() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=2)


def _case_update(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    return case, lambda version: case_actions.case_update(
        actor=user, case=case, expected_version=version, changes={"status": "FollowUp"}
    )


def _case_close(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    return case, lambda version: case_actions.case_close(
        actor=user, case=case, reason="services_completed", expected_version=version
    )


def _task_assign(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    task = coordination_actions.task_create(
        actor=user, case=case, agency=user.membership.agency, title="Call back", due_at=_soon()
    )
    return task, lambda version: coordination_actions.task_assign(
        actor=user, task=task, expected_version=version, assignee=user, due_at=_soon()
    )


def _plan_update(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    plan = _plan(user, case)
    return plan, lambda version: coordination_actions.plan_update(
        actor=user, plan=plan, expected_version=version, changes={"objectives": "School and work"}
    )


def _goal_close(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    goal = coordination_actions.goal_add(actor=user, plan=_plan(user, case), description="Enrol")
    return goal, lambda version: coordination_actions.goal_close(
        actor=user, goal=goal, status="met", expected_version=version
    )


def _meeting_hold(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    meeting = mdt_actions.meeting_schedule(actor=user, scheduled_for=_soon(), place="Room 4")
    return meeting, lambda version: mdt_actions.meeting_hold(
        actor=user, meeting=meeting, expected_version=version
    )


def _meeting_cancel(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    meeting = mdt_actions.meeting_schedule(actor=user, scheduled_for=_soon(), place="Room 4")
    return meeting, lambda version: mdt_actions.meeting_cancel(
        actor=user, meeting=meeting, expected_version=version
    )


def _detective_on_the_team(coordinator: User, case: Case) -> User:
    """The detective, put on the case team by the coordinator (the policy lets the team's police
    investigate)."""
    detective = User.objects.select_related("membership__agency").get(username="detective")
    coordination_actions.team_add(
        actor=coordinator,
        case=case,
        user=detective,
        agency=detective.membership.agency,
        team_role="investigator",
    )
    return detective


def _investigation_status_set(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    detective = _detective_on_the_team(user, case)
    investigation = justice_actions.investigation_open(
        actor=detective, case=case, agency=detective.membership.agency, kind="labor"
    )
    return investigation, lambda version: justice_actions.investigation_status_set(
        actor=detective, investigation=investigation, status="suspended", expected_version=version
    )


def _investigation_close(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    detective = _detective_on_the_team(user, case)
    investigation = justice_actions.investigation_open(
        actor=detective, case=case, agency=detective.membership.agency, kind="labor"
    )
    return investigation, lambda version: justice_actions.investigation_close(
        actor=detective, investigation=investigation, expected_version=version
    )


def _referral_to_case(user: User, case: Case) -> tuple[Model, Callable[[int], Any]]:
    referral = _new_referral(user)
    return referral, lambda version: intake_actions.referral_to_case(
        actor=user, referral=referral, expected_version=version
    )


# The care actions' stale versions are tried with their own fixtures (care/tests).
STALE_EDITS = [
    _case_update,
    _case_close,
    _task_assign,
    _plan_update,
    _goal_close,
    _meeting_hold,
    _meeting_cancel,
    _investigation_status_set,
    _investigation_close,
    _referral_to_case,
]


def _stored(row: Model) -> dict[str, Any]:
    fresh = type(row)._base_manager.get(pk=row.pk)
    return {field.attname: getattr(fresh, field.attname) for field in type(row)._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize("make", STALE_EDITS, ids=lambda make: make.__name__.strip("_"))
def test_an_edit_from_a_version_someone_else_has_moved_on_is_refused_and_changes_nothing(make):
    coordinator = _coordinator()
    row, edit = make(coordinator, _new_case(coordinator))
    read = type(row)._base_manager.get(pk=row.pk).version
    # Someone else saves the row after this editor read it.
    type(row)._base_manager.filter(pk=row.pk).update(version=F("version") + 1)
    before = _stored(row)
    with pytest.raises(StaleEdit) as stale:
        edit(read)
    assert stale.value.current.pk == row.pk and stale.value.current.version == read + 1
    assert _stored(row) == before


@pytest.mark.django_db
@pytest.mark.parametrize("make", STALE_EDITS, ids=lambda make: make.__name__.strip("_"))
def test_the_same_edit_with_the_current_version_goes_through_and_moves_the_version_on(make):
    coordinator = _coordinator()
    row, edit = make(coordinator, _new_case(coordinator))
    version = type(row)._base_manager.get(pk=row.pk).version
    edit(version)
    assert type(row)._base_manager.get(pk=row.pk).version == version + 1


# --- the version from a form or a JSON body -------------------------------------------------------


@pytest.mark.parametrize("value", ["1", " 7 ", 3, VERSION_MAX])
def test_a_version_is_a_whole_number_from_one_up(value):
    assert parse_version(value) == int(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",
        "0",
        "-1",
        "1.5",
        "1e3",
        "\u0661",
        "²",
        "9" * 19,
        VERSION_MAX + 1,
        0,
        True,
        1.0,
        [1],
        {"v": 1},
    ],
    ids=repr,
)
def test_a_missing_or_garbage_version_is_a_validation_error(value):
    with pytest.raises(ValidationError):
        parse_version(value)


@pytest.mark.parametrize("value", [None, "", "abc", "0", "9" * 19, "\u0661"])
def test_the_hidden_version_field_refuses_what_is_no_version(value):
    field = VersionField()
    with pytest.raises(ValidationError):
        field.clean(value)
    assert field.clean("4") == 4


# --- two editors at the same moment ---------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_a_plan_with_the_same_version_on_postgresql_one_wins():
    from continuum.conftest import SESSION_CASES, SESSION_SEED, TEST_PASSWORD
    from continuum.synth.generator import Generator

    if not Case.objects.exists():
        Generator(cases=SESSION_CASES, seed=SESSION_SEED, password=TEST_PASSWORD).run()
    coordinator = _coordinator()
    plan = _plan(coordinator, _new_case(coordinator))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(objectives: str) -> None:
        try:
            barrier.wait()
            coordination_actions.plan_update(
                actor=coordinator,
                plan=plan,
                expected_version=plan.version,
                changes={"objectives": objectives},
            )
            outcomes.append(objectives)
        except StaleEdit:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(text,)) for text in ("Work", "Housing")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["Housing", "stale"], ["Work", "stale"])
    stored = SupportPlan.objects.get(pk=plan.pk)
    assert stored.version == plan.version + 1
    assert stored.objectives == next(text for text in outcomes if text != "stale")
