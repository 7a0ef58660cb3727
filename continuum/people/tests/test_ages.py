import datetime as dt

import pytest

from continuum.people.ages import age_at_exploitation, age_on, ctdc_age_band, is_minor


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(2008, 5, 10), dt.date(2026, 5, 9), 17),
        (dt.date(2008, 5, 10), dt.date(2026, 5, 10), 18),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    ],
)
def test_age_on_a_day(born, day, age):
    assert age_on(born, day) == age


def test_age_on_a_day_before_birth_is_refused():
    with pytest.raises(ValueError):
        age_on(dt.date(2020, 1, 1), dt.date(2019, 12, 31))


def test_a_stated_age_wins_over_the_date_of_birth():
    assert (
        age_at_exploitation(
            stated_age=15, birth_date=dt.date(1990, 1, 1), exploitation_start=dt.date(2020, 1, 1)
        )
        == 15
    )


def test_age_at_exploitation_derives_from_the_date_of_birth():
    assert (
        age_at_exploitation(
            stated_age=None, birth_date=dt.date(2005, 6, 1), exploitation_start=dt.date(2022, 5, 31)
        )
        == 16
    )
    assert (
        age_at_exploitation(stated_age=None, birth_date=None, exploitation_start=dt.date(2022, 5, 31)) is None
    )
    assert (
        age_at_exploitation(stated_age=None, birth_date=dt.date(2005, 6, 1), exploitation_start=None) is None
    )


@pytest.mark.parametrize(
    ("age", "minor", "band"),
    [
        (None, None, None),
        (0, True, "0--8"),
        (8, True, "0--8"),
        (9, True, "9--17"),
        (17, True, "9--17"),
        (18, False, "18--20"),
        (26, False, "24--26"),
        (38, False, "30--38"),
        (47, False, "39--47"),
        (48, False, "48+"),
        (80, False, "48+"),
    ],
)
def test_minor_status_and_ctdc_band_derive_from_age(age, minor, band):
    assert is_minor(age) is minor
    assert ctdc_age_band(age) == band
