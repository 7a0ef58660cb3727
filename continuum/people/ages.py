"""Age is stored once (a date of birth, or an age at exploitation); everything else derives from it.

The minor/adult status and the CTDC age band are computed here and nowhere else.
"""

from __future__ import annotations

import datetime as dt

AGE_OF_MAJORITY = 18

# The age bands of the CTDC k-anonymised dataset (`ageBroad`), lower bound inclusive.
CTDC_AGE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "0--8"),
    (9, "9--17"),
    (18, "18--20"),
    (21, "21--23"),
    (24, "24--26"),
    (27, "27--29"),
    (30, "30--38"),
    (39, "39--47"),
    (48, "48+"),
)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on `day` (a person born on 29 February ages on 1 March in other years)."""
    if day < birth_date:
        raise ValueError("the day is before the date of birth")
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def age_at_exploitation(
    *, stated_age: int | None, birth_date: dt.date | None, exploitation_start: dt.date | None
) -> int | None:
    """The age when the exploitation began: the stated age if recorded, else from the date of birth."""
    if stated_age is not None:
        return stated_age
    if birth_date is not None and exploitation_start is not None and exploitation_start >= birth_date:
        return age_on(birth_date, exploitation_start)
    return None


def is_minor(age: int | None) -> bool | None:
    return None if age is None else age < AGE_OF_MAJORITY


def ctdc_age_band(age: int | None) -> str | None:
    if age is None or age < 0:
        return None
    band = CTDC_AGE_BANDS[0][1]
    for lower, name in CTDC_AGE_BANDS:
        if age >= lower:
            band = name
    return band
