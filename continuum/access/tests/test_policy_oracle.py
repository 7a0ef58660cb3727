"""Property-based: the policy engine and an independent oracle agree on random scenarios."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from continuum.access import grants, policy
from continuum.access.models import BreakGlassGrant, Consent, CourtOrder
from continuum.access.tests import oracle
from continuum.cases.models import Case, CaseParticipant, MandatedReport
from continuum.coordination.models import CaseTeamMember
from continuum.org.models import Agency, Membership, Role, User

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
AGENCY_KEYS = [
    "Greater Hartford Human Trafficking Recovery Taskforce",
    "DCF Greater Hartford Regional Office",
    "Greater Hartford Survivor Advocacy Center",
    "Hartford Police Department",
    "State's Attorney, Hartford Judicial District",
    "Waterbury Police Department",
    "Safe Harbor Housing (Greater Hartford)",
    "Office of Statewide Oversight",
    "Continuum System Administration",
]
CATEGORIES = sorted(policy.CATEGORIES)
ACTIONS = ["list", "view", "update", "consent", "audit", "break_glass", "task"]

# Starts and ends cluster around the moment of the decision, where the edges are.
days = st.integers(min_value=-40, max_value=5)
agency_index = st.integers(min_value=0, max_value=len(AGENCY_KEYS) - 1)
# Other rows name the user's own agency half of the time (-1), so that they matter.
other_agency = st.one_of(st.just(-1), agency_index)
category_sets = st.sets(st.sampled_from(CATEGORIES), max_size=4).map(lambda s: tuple(sorted(s)))

scenario = st.fixed_dictionaries(
    {
        "role": st.sampled_from(Role.values),
        "agency": agency_index,
        "case": st.sampled_from(["gh_minor", "gh_adult", "other_region"]),
        "action": st.one_of(st.just("view"), st.just("list"), st.sampled_from(ACTIONS)),
        "team": st.lists(st.tuples(st.booleans(), other_agency, st.booleans()), max_size=3),
        "reports": st.lists(other_agency, max_size=2),
        "consents": st.lists(
            st.tuples(other_agency, days, st.integers(1, 60), st.booleans(), category_sets), max_size=3
        ),
        "orders": st.lists(st.tuples(other_agency, st.integers(-5, 30), category_sets), max_size=2),
        "grants": st.lists(st.tuples(st.booleans(), st.integers(-120, 30), st.integers(1, 90)), max_size=2),
    }
)


@pytest.fixture
def cases_and_agencies(db):
    agencies = {a.name: a for a in Agency.objects.filter(name__in=AGENCY_KEYS)}
    gh_minor = Case.objects.filter(region__code="greater-hartford", age_group="minor").first()
    gh_adult = Case.objects.filter(region__code="greater-hartford", age_group="adult").first()
    other = Case.objects.exclude(region__code="greater-hartford").first()
    someone = User.objects.get(username="coordinator")
    return (
        {"gh_minor": gh_minor, "gh_adult": gh_adult, "other_region": other},
        [agencies[k] for k in AGENCY_KEYS],
        someone,
    )


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=scenario)
def test_the_engine_and_the_oracle_agree(cases_and_agencies, s):
    cases, agencies, someone = cases_and_agencies
    case = cases[s["case"]]
    with transaction.atomic():
        user = User.objects.create(username="scenario-user")
        agency = agencies[s["agency"]]
        agencies = [*agencies, agency]  # index -1: the user's own agency
        Membership.objects.create(user=user, agency=agency, role=s["role"])
        survivor = CaseParticipant.objects.filter(case=case, role="survivor").first().person
        world = oracle.World(
            user_id=user.pk,
            role=s["role"],
            agency_id=agency.pk,
            region_id=agency.region_id,
            case_region_id=case.region_id,
            case_age_group=case.age_group,
        )
        # Whatever the session world already holds for this case counts too.
        for member in CaseTeamMember.objects.filter(case=case):
            world.team.append((member.user_id, member.agency_id, member.removed_at is not None))
        world.reports += list(MandatedReport.objects.filter(case=case).values_list("agency_id", flat=True))
        for c in Consent.objects.filter(case=case):
            world.consents.append(
                (c.agency_id, c.granted_at, c.expires_at, c.revoked_at is not None, tuple(c.categories))
            )
        for is_me, team_agency, removed in s["team"]:
            member_user = user if is_me else someone
            if not removed:  # one active membership per person and case
                CaseTeamMember.objects.filter(case=case, user=member_user, removed_at=None).update(
                    removed_at=NOW
                )
                world.team = [(u, a, r or u == member_user.pk) for u, a, r in world.team]
            CaseTeamMember.objects.create(
                case=case,
                user=member_user,
                agency=agencies[team_agency],
                team_role="other",
                removed_at=NOW if removed else None,
            )
            world.team.append((member_user.pk, agencies[team_agency].pk, removed))
        for report_agency in s["reports"]:
            MandatedReport.objects.create(case=case, agency=agencies[report_agency], due_at=NOW)
            world.reports.append(agencies[report_agency].pk)
        for consent_agency, start, length, revoked, cats in s["consents"]:
            granted = NOW + dt.timedelta(days=start)
            expires = granted + dt.timedelta(days=length)
            Consent.objects.create(
                case=case,
                survivor=survivor,
                agency=agencies[consent_agency],
                categories=list(cats),
                method="written",
                granted_at=granted,
                expires_at=expires,
                recorded_by=someone,
                signed_by=survivor,
                signer_relationship="self",
                revoked_at=NOW - dt.timedelta(minutes=1) if revoked else None,
            )
            world.consents.append((agencies[consent_agency].pk, granted, expires, revoked, cats))
        for order_agency, end, cats in s["orders"]:
            expires = NOW + dt.timedelta(days=end)
            CourtOrder.objects.create(
                case=case,
                agency=agencies[order_agency],
                categories=list(cats),
                docket_reference="HHD-CV-0001",
                issued_on=NOW.date(),
                expires_at=expires,
                recorded_by=someone,
            )
            world.orders.append((agencies[order_agency].pk, expires, cats))
        for is_me, start, length in s["grants"]:
            grant_user = user if is_me else someone
            began = NOW + dt.timedelta(minutes=start)
            ends = began + dt.timedelta(minutes=length)
            BreakGlassGrant.objects.create(
                user=grant_user, case=case, reason="scenario " * 4, started_at=began, expires_at=ends
            )
            world.grants.append((grant_user.pk, began, ends))

        # The rows above bypass the actions that keep the grants index; recompute it for the case.
        grants.rebuild(cases=[case])
        user = User.objects.select_related("membership__agency").get(pk=user.pk)
        decision = policy.decide(user, case.pk, s["action"], now=NOW)
        expected_allowed = oracle.allowed(world, s["action"], NOW)
        assert decision is not None
        assert decision[0] == expected_allowed, (s, sorted(decision[1]), oracle.relationships(world, NOW))
        if expected_allowed:
            assert set(decision[2]) == oracle.categories(world, NOW), s
        # The list door and the detail door never disagree (a page cannot hide what a list shows).
        restricted = policy.restrict_cases(Case.objects.filter(pk=case.pk), user, s["action"])
        assert restricted.exists() == policy.decide(user, case.pk, s["action"])[0]
        transaction.set_rollback(True)


def test_a_user_without_membership_is_denied_everything(cases_and_agencies):
    cases, _, _ = cases_and_agencies
    loner = User.objects.create(username="loner")
    for action in ACTIONS:
        assert policy.decide(loner, cases["gh_minor"].pk, action) == (False, frozenset(), frozenset())
