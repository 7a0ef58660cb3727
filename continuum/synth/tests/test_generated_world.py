"""The session's synthetic world (conftest: 240 cases, seed 11) is shaped as documented."""

from collections import Counter

import pytest
from django.core.management import call_command

from continuum.cases.classification import age_group_of, combine_types, trafficking_type_of
from continuum.cases.models import Case, Exploitation
from continuum.conftest import SESSION_CASES
from continuum.journeys.models import EventKind, JourneyEvent
from continuum.org.models import Membership, Region, Town
from continuum.synth import distributions as d
from continuum.synth.personas import PERSONAS

pytestmark = pytest.mark.django_db


def test_it_writes_the_requested_number_of_cases_across_every_region():
    assert Case.objects.count() == SESSION_CASES
    assert set(Case.objects.values_list("region__code", flat=True)) == set(
        Region.objects.values_list("code", flat=True)
    )


def test_greater_hartford_has_the_towns_the_issue_names():
    towns = set(Town.objects.filter(region__code="greater-hartford").values_list("name", flat=True))
    assert {
        "Hartford",
        "East Hartford",
        "West Hartford",
        "Bloomfield",
        "Manchester",
        "South Windsor",
        "Glastonbury",
        "Windsor",
    } <= towns


def test_derived_classifications_match_the_exploitation_records():
    for case in Case.objects.prefetch_related("exploitations__survivor"):
        exploitations = list(case.exploitations.all())
        assert case.trafficking_type == combine_types(trafficking_type_of(e.types) for e in exploitations)
        assert case.age_group == age_group_of(e.age_at_exploitation for e in exploitations)


def test_ages_are_stored_once_either_as_birth_date_or_stated_age():
    for exploitation in Exploitation.objects.select_related("survivor"):
        assert (exploitation.stated_age is None) != (exploitation.survivor.birth_date is None)
        assert 12 <= exploitation.age_at_exploitation <= 62


def test_children_adults_sex_labor_and_both_all_appear():
    assert {"minor", "adult"} <= set(Case.objects.values_list("age_group", flat=True))
    assert {"sex", "labor", "both"} <= set(Case.objects.values_list("trafficking_type", flat=True))


def test_arrests_per_year_follow_the_scaled_published_series():
    counts = Counter(
        JourneyEvent.objects.filter(kind=EventKind.ARREST_MADE).values_list("occurred_at__year", flat=True)
    )
    assert dict(counts) == {y: n for y, n in d.arrests_per_year(SESSION_CASES).items() if n}


def test_every_journey_is_in_time_order_and_starts_with_the_referral():
    first = {}
    for event in JourneyEvent.objects.order_by("case_id", "occurred_at", "id"):
        first.setdefault(event.case_id, event.kind)
    assert set(first.values()) == {EventKind.REFERRAL_RECEIVED}
    assert not JourneyEvent.objects.filter(occurred_at__date__gt=d.DEFAULT_AS_OF).exists()


def test_every_persona_has_its_role_and_agency():
    memberships = {m.user.username: m for m in Membership.objects.select_related("user", "agency__region")}
    for persona in PERSONAS:
        assert memberships[persona.username].role == persona.role
    assert memberships["coordinator"].agency.region.code == "greater-hartford"
    assert memberships["detective_west"].agency.region.code != "greater-hartford"


def test_personas_json_lists_username_role_agency_and_region(capsys):
    import json

    call_command("personas", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["username"] for r in rows] == [p.username for p in PERSONAS]
    coordinator = rows[0]
    assert coordinator == {**coordinator, "role": "coordinator", "region": "Greater Hartford"}
    assert set(coordinator) >= {"username", "role", "agency", "region"}


def test_the_journey_shows_consent_only_where_a_consent_was_recorded():
    from continuum.access.models import Consent

    with_event = set(
        JourneyEvent.objects.filter(kind=EventKind.CONSENT_RECORDED).values_list("case_id", flat=True)
    )
    with_consent = set(Consent.objects.values_list("case_id", flat=True))
    assert with_event == with_consent and with_consent


def test_every_child_case_has_a_mandated_report_due_24_hours_after_screening():
    import datetime as dt

    from continuum.cases.models import MandatedReport

    minors = Case.objects.filter(age_group="minor")
    reports = {r.case_id: r for r in MandatedReport.objects.filter(case__in=minors)}
    screened = dict(
        JourneyEvent.objects.filter(case__in=minors, kind=EventKind.SCREENED).values_list(
            "case_id", "occurred_at"
        )
    )
    assert set(reports) == set(screened)
    for case_id, report in reports.items():
        assert report.due_at - screened[case_id] == dt.timedelta(hours=24)
