import datetime as dt

import pytest

from continuum.synth import distributions as d


def test_largest_remainder_keeps_the_total_and_the_proportions():
    parts = d.largest_remainder(10, {1: 1.0, 2: 1.0, 3: 1.0})
    assert sum(parts.values()) == 10
    assert sorted(parts.values()) == [3, 3, 4]


def test_largest_remainder_refuses_nonsense():
    with pytest.raises(ValueError):
        d.largest_remainder(-1, {1: 1.0})
    with pytest.raises(ValueError):
        d.largest_remainder(5, {1: 0.0})


def test_the_published_arrest_series_is_reproduced_at_the_reference_size():
    arrests = d.arrests_per_year(d.ARREST_REFERENCE_CASES)
    series = {year: arrests[year] for year in range(2016, 2022)}
    assert sum(series.values()) == 456
    assert series[2017] == 107 == max(series.values())
    assert series[2021] == 53


def test_the_arrest_series_scales_with_the_number_of_cases():
    arrests = d.arrests_per_year(1000)
    assert sum(arrests[y] for y in range(2016, 2022)) == 228
    assert max(range(2016, 2022), key=lambda y: arrests[y]) == 2017


def test_no_year_after_the_as_of_date_gets_cases_or_arrests():
    as_of = dt.date(2020, 6, 30)
    assert max(d.cases_per_year(500, as_of)) == 2020
    assert max(d.arrests_per_year(500, as_of)) == 2020


def test_the_published_recruiter_relationships_are_the_weights():
    weights = {str(k): v for k, v in d.RECRUITER_RELATIONSHIP.items()}
    assert weights["family_caregiver"] == 0.33
    assert weights["intimate_partner"] == 0.28
    assert weights["employer"] == 0.22
    assert sum(weights.values()) == pytest.approx(1.0)


def test_an_earlier_as_of_date_keeps_each_whole_year_at_its_published_count():
    arrests = d.arrests_per_year(d.ARREST_REFERENCE_CASES, dt.date(2020, 6, 30))
    assert [arrests[y] for y in (2016, 2017, 2018, 2019)] == [78, 107, 86, 74]
    assert 0 < arrests[2020] < 58


def test_a_later_as_of_date_still_gets_cases_every_year():
    per_year = d.cases_per_year(1000, dt.date(2028, 3, 1))
    assert max(per_year) == 2028 and all(per_year[y] > 0 for y in per_year)
