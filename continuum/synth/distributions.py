"""Every distribution the generator draws from, in one place; docs/synthetic-data.md explains each.

"Published" marks a figure from a public source named in the docs; everything else is an
assumption of ours, chosen to look like a state response and stated as such.
"""

from __future__ import annotations

import datetime as dt

from continuum.cases.models import ReferralSource, Relationship
from continuum.core.codes import ServiceType
from continuum.core.htcds import (
    Gender,
    LabourIndustry,
    MethodOfControl,
    MethodOfRecruitment,
    TypeOfSexExploitation,
    Vulnerability,
    WebsiteOrApp,
)

# The day the synthetic world stops: nothing happens after it (a fixed date keeps runs identical).
DEFAULT_AS_OF = dt.date(2026, 10, 31)
FIRST_YEAR = 2016

# Published: Connecticut's trafficking arrests, 456 in 2016-2021, the most in 2017 (107), 53 in
# 2021. The four other years are our interpolation, chosen to add up to the published total.
ARREST_SERIES: dict[int, int] = {2016: 78, 2017: 107, 2018: 86, 2019: 74, 2020: 58, 2021: 53}
# Assumption: after 2021 arrests hold at the 2021 level (the as-of year pro rata).
ARREST_LEVEL_AFTER_SERIES = 53
# The series is reproduced exactly at this many cases; other sizes scale it in proportion.
ARREST_REFERENCE_CASES = 2000

# Assumption: case volume per year, growing as awareness grows, with a dip in 2020.
YEAR_WEIGHTS: dict[int, float] = {
    2016: 6.0,
    2017: 7.0,
    2018: 8.0,
    2019: 9.0,
    2020: 8.0,
    2021: 9.0,
    2022: 10.0,
    2023: 10.5,
    2024: 11.0,
    2025: 11.5,
    2026: 9.5,
}

# Published (the journey-mapping study of 49 survivors, ages 12 to 50): the relationship of the
# recruiter to the survivor: family or caregiver 33%, intimate partner 28%, employer 22%; the
# remaining 17% split by us.
RECRUITER_RELATIONSHIP: dict[Relationship, float] = {
    Relationship.FAMILY_CAREGIVER: 0.33,
    Relationship.INTIMATE_PARTNER: 0.28,
    Relationship.EMPLOYER: 0.22,
    Relationship.FRIEND_ACQUAINTANCE: 0.09,
    Relationship.STRANGER: 0.05,
    Relationship.UNKNOWN: 0.03,
}

# Assumption: where referrals come from.
REFERRAL_SOURCE: dict[ReferralSource, float] = {
    ReferralSource.LAW_ENFORCEMENT: 0.30,
    ReferralSource.SERVICE_PROVIDER: 0.22,
    ReferralSource.HOTLINE: 0.20,
    ReferralSource.COMMUNITY: 0.12,
    ReferralSource.SELF: 0.08,
    ReferralSource.CHILD_WELFARE: 0.08,
}

# Assumption: 40% of survivors were children when the exploitation began (the study's ages ran
# from 12 to 50).
MINOR_SHARE = 0.40
MINOR_AGES: dict[int, float] = {12: 0.06, 13: 0.10, 14: 0.16, 15: 0.22, 16: 0.24, 17: 0.22}
ADULT_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 24, 0.38),
    (25, 34, 0.34),
    (35, 50, 0.24),
    (51, 62, 0.04),
)
# Assumption: 70% of survivors have a recorded date of birth; the others only a stated age.
BIRTH_DATE_KNOWN = 0.70

# Assumption: the kind of trafficking, by age.
TYPE_MINOR: dict[str, float] = {"sex": 0.80, "labor": 0.10, "both": 0.10}
TYPE_ADULT: dict[str, float] = {"sex": 0.52, "labor": 0.33, "both": 0.15}

GENDER_SEX: dict[Gender, float] = {
    Gender.FEMININE: 0.84,
    Gender.MASCULINE: 0.10,
    Gender.TRANSGENDER_FEMININE: 0.04,
    Gender.NON_CONFORMING: 0.02,
}
GENDER_LABOR: dict[Gender, float] = {
    Gender.MASCULINE: 0.58,
    Gender.FEMININE: 0.40,
    Gender.NON_SPECIFIED_UNKNOWN: 0.02,
}

SEX_TYPES: dict[TypeOfSexExploitation, float] = {
    TypeOfSexExploitation.PROSTITUTION: 0.70,
    TypeOfSexExploitation.PRIVATE_SEXUAL_SERVICES: 0.12,
    TypeOfSexExploitation.PORNOGRAPHY: 0.10,
    TypeOfSexExploitation.REMOTE_INTERACTIVE_SERVICES: 0.08,
}

LABOR_INDUSTRY: dict[LabourIndustry, float] = {
    LabourIndustry.I_ACCOMMODATION_AND_FOOD_SERVICE_ACTIVITIES: 0.22,
    LabourIndustry.T_ACTIVITIES_OF_HOUSEHOLDS_AS_EMPLOYERS: 0.18,
    LabourIndustry.A_AGRICULTURE_FORESTRY_AND_FISHING: 0.14,
    LabourIndustry.S_OTHER_SERVICE_ACTIVITIES: 0.14,
    LabourIndustry.F_CONSTRUCTION: 0.12,
    LabourIndustry.G_WHOLESALE_AND_RETAIL_TRADE_REPAIR_OF_MOTOR_VEHICLES: 0.10,
    LabourIndustry.C_MANUFACTURING: 0.10,
}

CONTROL_SEX: dict[MethodOfControl, float] = {
    MethodOfControl.PSYCHOLOGICAL_ABUSE: 0.55,
    MethodOfControl.FALSE_PROMISES: 0.45,
    MethodOfControl.PHYSICAL_ABUSE: 0.40,
    MethodOfControl.TAKES_EARNINGS: 0.40,
    MethodOfControl.PSYCHOACTIVE_SUBSTANCE: 0.30,
    MethodOfControl.PHYSICAL_THREATS: 0.30,
    MethodOfControl.SEXUAL_ABUSE: 0.25,
    MethodOfControl.RESTRICTS_FINANCIAL_ACCESS: 0.15,
}
CONTROL_LABOR: dict[MethodOfControl, float] = {
    MethodOfControl.DEBT_BONDAGE: 0.45,
    MethodOfControl.TAKES_EARNINGS: 0.45,
    MethodOfControl.EXCESSIVE_WORKING_HOURS: 0.45,
    MethodOfControl.FALSE_PROMISES: 0.40,
    MethodOfControl.WITHHOLDS_DOCUMENTS: 0.30,
    MethodOfControl.THREATS_LAW_ENFORCEMENT: 0.30,
    MethodOfControl.RESTRICTS_FINANCIAL_ACCESS: 0.20,
    MethodOfControl.WITHHOLDS_NECESSITIES: 0.12,
}
# Assumption: in 30% of child sex cases no means of control is recorded (none is needed in law).
MINOR_SEX_NO_MEANS = 0.30

RECRUITMENT: dict[MethodOfRecruitment, float] = {
    MethodOfRecruitment.THROUGH_FAMILY_OR_FAMILY_EVENTS: 0.26,
    MethodOfRecruitment.THROUGH_ONLINE_SOCIAL_NETWORKS: 0.24,
    MethodOfRecruitment.THROUGH_FRIENDS_OR_SOCIAL_EVENTS: 0.18,
    MethodOfRecruitment.AT_WORK: 0.12,
    MethodOfRecruitment.THROUGH_AN_ONLINE_ADVERTISEMENT: 0.10,
    MethodOfRecruitment.AT_A_PLACE_OF_BUSINESS: 0.06,
    MethodOfRecruitment.AT_AN_EDUCATIONAL_INSTITUTION: 0.04,
}
ONLINE_RECRUITMENT = frozenset(
    {MethodOfRecruitment.THROUGH_ONLINE_SOCIAL_NETWORKS, MethodOfRecruitment.THROUGH_AN_ONLINE_ADVERTISEMENT}
)
APPS: dict[WebsiteOrApp, float] = {
    WebsiteOrApp.INSTAGRAM: 0.28,
    WebsiteOrApp.SNAP_CHAT: 0.24,
    WebsiteOrApp.FACEBOOK: 0.18,
    WebsiteOrApp.WHATS_APP: 0.12,
    WebsiteOrApp.TIK_TOK: 0.10,
    WebsiteOrApp.OTHER: 0.08,
}
VULNERABILITIES: dict[Vulnerability, float] = {
    Vulnerability.POVERTY: 0.35,
    Vulnerability.HOMELESSNESS: 0.25,
    Vulnerability.ABUSE_PHYSICAL: 0.22,
    Vulnerability.MENTAL_HEALTH: 0.20,
    Vulnerability.ADDICTION: 0.18,
    Vulnerability.MIGRATION: 0.15,
}

# Assumption: languages (ISO 639-1) of survivors; English and Spanish first.
LANGUAGES: dict[str, float] = {"en": 0.74, "es": 0.20, "pt": 0.02, "ht": 0.02, "pl": 0.01, "zh": 0.01}
FOREIGN_CITIZENSHIP: dict[str, float] = {
    "MX": 0.25,
    "GT": 0.18,
    "HN": 0.14,
    "BR": 0.10,
    "HT": 0.10,
    "EC": 0.08,
    "PL": 0.05,
    "CN": 0.05,
    "PH": 0.05,
}

# Assumption: which services a survivor is referred to, and how often they are taken up.
SERVICES: dict[ServiceType, float] = {
    ServiceType.EMERGENCY_HOUSING: 0.22,
    ServiceType.MENTAL_HEALTH: 0.20,
    ServiceType.MEDICAL: 0.12,
    ServiceType.LEGAL: 0.10,
    ServiceType.LONG_TERM_HOUSING: 0.09,
    ServiceType.VICTIM_COMPENSATION: 0.08,
    ServiceType.SUBSTANCE_USE: 0.06,
    ServiceType.IMMIGRATION: 0.05,
    ServiceType.EDUCATION_EMPLOYMENT: 0.05,
    ServiceType.FAMILY_REUNIFICATION: 0.03,
}
SERVICE_ACCEPTED = 0.74
# Housing runs short (gap G6): housing referrals are declined or left waiting more often.
HOUSING_ACCEPTED = 0.55
SERVICE_COMPLETED = 0.60
UNMET_NEED = 0.16

# Assumption: median waits in days (log-normal around the median, sigma below).
WAIT_MEDIAN_DAYS: dict[str, float] = {
    "open": 0.5,
    "screen_minor": 0.8,
    "screen_adult": 2.5,
    "report": 0.25,
    "advocate": 1.5,
    "contact": 2.0,
    "service": 6.0,
    "answer": 2.5,
    "start": 4.0,
    "complete": 75.0,
    "investigate": 10.0,
    "charge": 12.0,
    "dispose": 240.0,
    "follow_up": 90.0,
}
WAIT_SIGMA = 0.8
INVESTIGATED = 0.45
CHARGED_AFTER_ARREST = 0.85
DISPOSED_AFTER_CHARGE = 0.70
# Assumption: how many cases are still open, by age of the case in days.
STILL_OPEN: tuple[tuple[int, float], ...] = ((180, 0.85), (365, 0.55), (730, 0.25), (10_000, 0.08))
FOLLOW_UP = 0.20
SUSPECT_KNOWN = 0.72
SECOND_SUSPECT = 0.20
GUARDIAN_FOR_MINOR = 0.60


def largest_remainder(total: int, weights: dict[int, float]) -> dict[int, int]:
    """Split `total` into whole parts in proportion to `weights` (Hamilton's method, ties by key)."""
    weight_sum = sum(weights.values())
    if total < 0 or weight_sum <= 0:
        raise ValueError("a non-negative total and positive weights are needed")
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}
    short = total - sum(parts.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), key))
    for key in by_remainder[:short]:
        parts[key] += 1
    return parts


def _year_weight(year: int) -> float:
    # Assumption: after the last listed year, volume holds at the last full year's level.
    return YEAR_WEIGHTS.get(year, YEAR_WEIGHTS[2025])


def _share_of_year(year: int, as_of: dt.date) -> float:
    """1 for a whole year, the elapsed share for the as-of year."""
    return as_of.timetuple().tm_yday / (366 if year % 4 == 0 else 365) if year == as_of.year else 1.0


def cases_per_year(total_cases: int, as_of: dt.date = DEFAULT_AS_OF) -> dict[int, int]:
    weights = {year: _year_weight(year) for year in range(FIRST_YEAR, as_of.year + 1)}
    return largest_remainder(total_cases, weights)


def arrests_per_year(total_cases: int, as_of: dt.date = DEFAULT_AS_OF) -> dict[int, int]:
    """Arrests to place in each year: the published series scaled to the number of cases.

    Each year's level is its series value (or the level after the series), times the share of
    the year before the as-of date; the scaled total is split with the largest remainder, so at
    ARREST_REFERENCE_CASES cases every whole series year gets exactly its published count.
    """
    scale = total_cases / ARREST_REFERENCE_CASES
    levels = {
        year: ARREST_SERIES.get(year, ARREST_LEVEL_AFTER_SERIES) * _share_of_year(year, as_of) * scale
        for year in range(FIRST_YEAR, as_of.year + 1)
    }
    total = round(sum(levels.values()))
    if total == 0:
        return dict.fromkeys(levels, 0)
    return largest_remainder(total, levels)
