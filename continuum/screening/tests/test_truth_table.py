"""The determination follows the law: each row runs through the engine and through
`continuum screening evaluate`, and both must agree on the result, the type and the elements.

Defined here (SPEC C2, documented in engine.py): an adult with an act and a means of control but
no commercial sex act and no labor is `at_risk` (control without exploitation: prevention and
early intervention), flagged for follow-up.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command

from continuum.screening import engine
from continuum.screening.tests.answers import answers


@dataclass(frozen=True)
class Row:
    name: str
    given: dict[str, Any]
    result: str
    trafficking_type: str | None = None
    minor: bool | None = False
    follow_up: bool = False
    has: frozenset[str] = frozenset()
    lacks: frozenset[str] = frozenset()
    reasons: frozenset[str] = field(default_factory=frozenset)


ROWS = [
    Row(
        "minor_commercial_sex_without_means_is_sex_trafficking",
        answers(age_at_start=15, sex_exchanged="yes", sex_arranged_by="myself"),
        "trafficking_indicated",
        "sex",
        minor=True,
        has=frozenset({"age_under_18", "purpose_sex"}),
        lacks=frozenset({"means:force", "means:fraud", "means:coercion"}),
        reasons=frozenset({"minor_commercial_sex"}),
    ),
    Row(
        "minor_commercial_sex_needs_no_act_either",
        answers(age_at_start=14, sex_exchanged="yes", sex_arranged_by="not_sure"),
        "trafficking_indicated",
        "sex",
        minor=True,
        reasons=frozenset({"minor_commercial_sex"}),
    ),
    Row(
        "minor_by_the_under_18_question_when_the_age_is_not_known",
        answers(under_18_at_start="yes", sex_exchanged="yes", sex_arranged_by="someone_else"),
        "trafficking_indicated",
        "sex",
        minor=True,
        has=frozenset({"age_under_18", "act:providing"}),
    ),
    Row(
        "adult_commercial_sex_without_means_is_not_indicated_but_followed_up",
        answers(age_at_start=25, sex_exchanged="yes", sex_arranged_by="myself"),
        "not_indicated",
        None,
        follow_up=True,
        has=frozenset({"purpose_sex", "act:patronizing"}),
        reasons=frozenset({"commercial_sex_without_means"}),
    ),
    Row(
        "adult_commercial_sex_with_force_is_sex_trafficking",
        answers(
            age_at_start=28, sex_exchanged="yes", sex_arranged_by="someone_else", physically_harmed="yes"
        ),
        "trafficking_indicated",
        "sex",
        has=frozenset({"means:force", "means:physical_abuse", "act:providing", "purpose_sex"}),
        reasons=frozenset({"act_means_commercial_sex"}),
    ),
    Row(
        "adult_labor_with_debt_bondage_is_labor_trafficking",
        answers(age_at_start=34, work_done="yes", work_found_by="offered_by_someone", debt_owed="yes"),
        "trafficking_indicated",
        "labor",
        has=frozenset({"act:recruiting", "means:coercion", "means:debt_bondage", "purpose_labor"}),
        reasons=frozenset({"act_means_labor"}),
    ),
    Row(
        "adult_labor_without_means_is_not_indicated",
        answers(age_at_start=34, work_done="yes", work_found_by="found_it_myself", work_conditions="fair"),
        "not_indicated",
        None,
        reasons=frozenset({"labor_without_means"}),
    ),
    Row(
        "adult_sex_and_labor_with_threats_is_both",
        answers(
            age_at_start=22,
            sex_exchanged="yes",
            sex_arranged_by="someone_else",
            work_done="yes",
            work_found_by="partner_or_family",
            threatened="yes",
        ),
        "trafficking_indicated",
        "both",
        has=frozenset({"purpose_sex", "purpose_labor", "means:threats"}),
    ),
    Row(
        "minor_labor_with_means_is_labor_trafficking",
        answers(age_at_start=16, work_done="yes", work_found_by="found_it_myself", documents_held="yes"),
        "trafficking_indicated",
        "labor",
        minor=True,
        has=frozenset({"means:withholding_documents", "act:obtaining", "age_under_18"}),
    ),
    Row(
        "minor_labor_without_means_is_at_risk",
        answers(age_at_start=16, work_done="yes", work_found_by="found_it_myself"),
        "at_risk",
        None,
        minor=True,
        follow_up=True,
        reasons=frozenset({"minor_labor_without_means"}),
    ),
    Row(
        "minor_sex_and_labor_with_means_is_both",
        answers(
            age_at_start=17,
            sex_exchanged="yes",
            sex_arranged_by="someone_else",
            work_done="yes",
            work_found_by="offered_by_someone",
            threatened="yes",
        ),
        "trafficking_indicated",
        "both",
        minor=True,
        reasons=frozenset({"act_means_commercial_sex", "act_means_labor"}),
    ),
    Row(
        "minor_sex_without_means_and_labor_without_means_is_sex_with_a_follow_up",
        answers(
            age_at_start=17,
            sex_exchanged="yes",
            sex_arranged_by="myself",
            work_done="yes",
            work_found_by="found_it_myself",
        ),
        "trafficking_indicated",
        "sex",
        minor=True,
        follow_up=True,
        reasons=frozenset({"minor_commercial_sex", "labor_without_means"}),
    ),
    Row(
        "risk_indicators_without_the_elements_are_at_risk",
        answers(age_at_start=19, no_safe_place="yes", met_online="yes"),
        "at_risk",
        None,
        follow_up=True,
        has=frozenset({"risk:runaway_homeless", "risk:online_solicitation"}),
        reasons=frozenset({"risk_indicators"}),
    ),
    Row(
        "an_act_and_a_means_without_a_purpose_are_at_risk",
        answers(age_at_start=40, moved_by_someone="yes", threatened="yes"),
        "at_risk",
        None,
        follow_up=True,
        has=frozenset({"act:transporting", "means:threats"}),
        reasons=frozenset({"act_means_without_purpose"}),
    ),
    Row(
        "nothing_found_is_not_indicated",
        answers(age_at_start=45),
        "not_indicated",
        None,
        reasons=frozenset({"no_elements_found"}),
    ),
    Row(
        "no_answers_at_all_is_insufficient_information",
        {},
        "insufficient_information",
        None,
        minor=None,
        follow_up=True,
        reasons=frozenset({"missing:age_at_start", "missing:sex_exchanged", "missing:work_done"}),
    ),
    Row(
        "adult_commercial_sex_with_the_means_questions_open_is_insufficient_information",
        {"age_at_start": 30, "sex_exchanged": "yes", "sex_arranged_by": "someone_else", "work_done": "no"},
        "insufficient_information",
        None,
        follow_up=True,
        has=frozenset({"purpose_sex"}),
        reasons=frozenset({"missing:threatened", "missing:debt_owed"}),
    ),
    Row(
        "commercial_sex_without_means_and_the_age_unknown_is_insufficient_information",
        answers(under_18_at_start="unknown", sex_exchanged="yes", sex_arranged_by="myself"),
        "insufficient_information",
        None,
        minor=None,
        follow_up=True,
        reasons=frozenset({"missing:age_at_start", "missing:under_18_at_start"}),
    ),
    Row(
        "open_means_questions_do_not_matter_without_any_purpose",
        {"age_at_start": 30, "sex_exchanged": "no", "work_done": "no"},
        "not_indicated",
        None,
    ),
]


def check(row: Row, outcome: dict[str, Any]) -> None:
    assert outcome["result"] == row.result
    assert outcome["trafficking_type"] == row.trafficking_type
    assert outcome["minor"] is row.minor
    assert outcome["follow_up"] is row.follow_up
    assert row.has <= set(outcome["elements_found"])
    assert not row.lacks & set(outcome["elements_found"])
    assert row.reasons <= set(outcome["reasons"])
    assert outcome["elements_found"] == sorted(outcome["elements_found"])
    assert outcome["instrument_name"] == "default"
    assert outcome["instrument_version"] == engine.load_instrument().version


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_engine(row: Row) -> None:
    determination = engine.evaluate(engine.load_instrument("default"), row.given)
    check(row, determination.as_dict())


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_command(row: Row, tmp_path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(row.given), encoding="utf-8")
    out = io.StringIO()
    call_command("screening", "evaluate", str(path), stdout=out)
    printed = json.loads(out.getvalue())
    check(row, printed)
    assert printed == engine.evaluate(engine.load_instrument(), row.given).as_dict()


def test_every_result_and_type_is_covered_by_the_table() -> None:
    assert {row.result for row in ROWS} == set(engine.RESULTS)
    assert {row.trafficking_type for row in ROWS} - {None} == set(engine.TRAFFICKING_TYPES)
