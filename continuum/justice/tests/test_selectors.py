"""The aggregate selectors count exactly what the actions wrote, sex and labor separately."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from continuum.justice import actions
from continuum.justice.selectors import arrests_by_year, outcomes_side_by_side
from continuum.justice.tests.conftest import join_team

pytestmark = pytest.mark.django_db

# Years long before the synthetic world, so that only this test's records fall in them.
Y1, Y2 = 1991, 1992


def at(year: int, month: int = 6) -> dt.datetime:
    return dt.datetime(year, month, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def world(detective, prosecutor, case, suspect):
    """Sex: two arrests in Y1 with three charges filed in Y1 (one convicted by plea in Y1, one
    dismissed in Y2) and one arrest in Y2 without charges. Labor: one arrest in Y2, one charge, a
    conviction at trial in Y2. Both: one arrest in Y2, one charge, a plea in Y2, counted under sex
    and under labor. The detective and the prosecutor are on the case team (the actions ask the
    policy)."""
    join_team(case, detective, prosecutor)
    agency = detective.membership.agency

    def investigation(kind):
        return actions.investigation_open(
            actor=detective, case=case, agency=agency, kind=kind, opened_at=at(Y1, 1)
        )

    def arrest(inv, year):
        return actions.arrest_record(
            actor=detective, investigation=inv, suspect=suspect, agency=agency, arrested_at=at(year)
        )

    def charge(arr, year, statute="53a-192a"):
        return actions.charge_file(actor=detective, arrest=arr, statute=statute, filed_at=at(year, 7))

    def dispose(chg, outcome, year):
        return actions.disposition_record(
            actor=prosecutor, charge=chg, outcome=outcome, decided_at=at(year, 9)
        )

    sex, labor, both = investigation("sex"), investigation("labor"), investigation("both")
    a1, a2, a3 = arrest(sex, Y1), arrest(sex, Y1), arrest(sex, Y2)
    c1, c2 = charge(a1, Y1), charge(a1, Y1, "53a-86")
    charge(a2, Y1, "53a-87")
    dispose(c1, "convicted_plea", Y1)
    dispose(c2, "dismissed", Y2)
    del a3
    a4 = arrest(labor, Y2)
    dispose(charge(a4, Y2), "convicted_trial", Y2)
    a5 = arrest(both, Y2)
    dispose(charge(a5, Y2), "convicted_plea", Y2)


def test_arrests_by_year(world) -> None:
    every = arrests_by_year()
    assert (every[Y1], every[Y2]) == (2, 3)
    sex = arrests_by_year("sex")
    assert (sex[Y1], sex[Y2]) == (2, 2)
    labor = arrests_by_year("labor")
    assert Y1 not in labor
    assert labor[Y2] == 2


def test_an_unknown_trafficking_type_is_refused(db) -> None:
    with pytest.raises(ValueError):
        arrests_by_year("organ")


def test_outcomes_side_by_side(world) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = {row["year"]: row for row in outcomes_side_by_side()}
    assert len(queries) == 3
    assert rows[Y1] == {
        "year": Y1,
        "sex_arrests": 2,
        "sex_charges": 3,
        "sex_convictions": 1,
        "labor_arrests": 0,
        "labor_charges": 0,
        "labor_convictions": 0,
    }
    assert rows[Y2] == {
        "year": Y2,
        "sex_arrests": 2,
        "sex_charges": 1,
        "sex_convictions": 1,
        "labor_arrests": 2,
        "labor_charges": 2,
        "labor_convictions": 2,
    }
    assert list(rows) == sorted(rows)
