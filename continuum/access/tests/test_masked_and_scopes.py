"""Batch decisions beyond one case: rows of many cases masked each by its own case's categories,
counts for the aggregate scope with small cells suppressed, and the export scope."""

from __future__ import annotations

import pytest

from continuum.access import policy
from continuum.access.tests.scenario import build
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case, CaseParticipant
from continuum.org.models import User

pytestmark = pytest.mark.django_db


def test_masked_rows_show_each_case_what_its_page_would(persona):
    situations = build()
    detective = persona("detective")
    cases = [situations["consent_in_force"], situations["own_team"], situations["no_consent"]]
    rows = list(CaseParticipant.objects.filter(case__in=cases, role="survivor").select_related("case"))
    shown = policy.masked(detective, rows)
    for row, masked in zip(rows, shown, strict=True):
        try:
            expected = policy.access_case(detective, row.case_id).fields_of("cases.CaseParticipant")
        except policy.Http404:
            expected = frozenset()
        assert masked.allowed == expected, row.case.reference
    # the three cases are seen three different ways: consent, the team, not at all
    assert len({m.allowed for m in shown}) >= 2


def test_case_categories_match_the_case_page_in_three_queries(persona, django_assert_max_num_queries):
    situations = build()
    detective = persona("detective")
    ids = [case.pk for case in situations.values()]
    with django_assert_max_num_queries(4):
        batch = policy.case_categories(detective, ids)
    seen = 0
    for case_id in ids:
        decision = policy.decide(detective, case_id, "view")
        if decision and decision[0]:
            assert batch[case_id] == decision[2]
            seen += 1
    assert seen >= 2  # the team's case and the consented one


def test_an_analyst_counts_the_state_and_small_cells_are_suppressed(persona):
    analyst = persona("analyst")
    before = AuditEvent.objects.filter(action="aggregate").count()
    cells = policy.aggregate(analyst, Case.objects.all(), ["region__code", "age_group"])
    truth = {}
    for region, age in Case.objects.values_list("region__code", "age_group"):
        truth[(region, age)] = truth.get((region, age), 0) + 1
    assert {cell.key for cell in cells} == set(truth)
    floor = policy.policy().scopes.min_cell
    for cell in cells:
        if truth[cell.key] < floor:
            assert cell.suppressed and cell.count is None
        else:
            assert cell.count == truth[cell.key]
    assert any(cell.suppressed for cell in cells) or min(truth.values()) >= floor
    assert AuditEvent.objects.filter(action="aggregate").count() == before + 1


def test_a_coordinator_counts_only_the_cases_they_may_list(persona):
    coordinator = persona("coordinator")
    cells = policy.aggregate(coordinator, Case.objects.all(), ["region__code"])
    assert {cell.key for cell in cells} == {(coordinator.membership.agency.region.code,)}


@pytest.mark.parametrize("username", ["advocate", "detective", "provider", "intake", "admin"])
def test_counts_need_the_aggregate_scope(persona, username):
    with pytest.raises(policy.Denied):
        policy.aggregate(persona(username), Case.objects.all(), ["region__code"])


def test_the_export_scope_is_the_policy_files(persona):
    holders = policy.policy().scopes.bulk_export
    for user in User.objects.filter(username__in=["coordinator", "advocate", "analyst", "admin"]):
        assert policy.in_scope(user, "bulk_export") == (user.membership.role in holders)
