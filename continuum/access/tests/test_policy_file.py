"""The policy file is complete and strict: every URL is named in it, it names categories and never
fields, and the field map it works with comes from the models, complete."""

import copy

import pytest
import yaml
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from continuum.access import policy
from continuum.conftest import _pattern_names
from continuum.core.sensitivity import InfoCategory, SystemCategory
from continuum.org.models import Role

# The models that hold a survivor's case data: every field is in a category the policy can open.
# (care.ProviderService, the provider directory, is staff-only `system` data like accounts.)
PROTECTED_MODELS = [
    "cases.Case",
    "cases.CaseParticipant",
    "people.Person",
    "cases.Exploitation",
    "cases.TraffickingLocation",
    "journeys.JourneyEvent",
    "coordination.CaseTeamMember",
    "cases.MandatedReport",
    "access.CourtOrder",
    "cases.CaseNote",
    "access.Consent",
    "coordination.Task",
    "cases.SurvivorAccount",
    "coordination.SupportPlan",
    "coordination.PlanGoal",
    "coordination.FollowUpContact",
    "mdt.MdtMeeting",
    "mdt.MdtAgendaItem",
    "mdt.MdtAttendance",
    "mdt.MdtMinute",
    "intake.Referral",
    "intake.Tip",
    "intake.TipAddition",
    "screening.ScreeningResult",
    "care.ServiceReferral",
    "care.UnmetNeed",
    "care.ReferralReminder",
    "justice.Investigation",
    "justice.Arrest",
    "justice.Charge",
    "justice.Prosecution",
    "justice.Disposition",
]


def raw():
    return yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8"))


def test_the_policy_file_loads():
    loaded = policy.policy()
    assert set(loaded.roles) == set(Role.values)


def test_every_url_pattern_is_named_in_the_policy():
    from django.urls import get_resolver

    assert _pattern_names(get_resolver()) - set(policy.policy().urls) == set()


def test_the_policy_names_no_url_that_does_not_exist():
    from django.urls import get_resolver

    assert set(policy.policy().urls) - _pattern_names(get_resolver()) == set()


@pytest.mark.parametrize("label", PROTECTED_MODELS)
def test_every_field_of_a_protected_model_has_exactly_one_category(label):
    model = apps.get_model(label)
    names = {f.name for f in model._meta.concrete_fields}
    assert set(policy.policy().fields[label]) == names
    assert set(policy.policy().fields[label].values()) <= set(InfoCategory.values) | {policy.ROW_CATEGORY}


def test_the_engine_reads_each_field_category_from_the_model(monkeypatch):
    from continuum.people.models import Person

    assert policy.policy().fields["people.Person"]["citizenship"] == "identity"
    monkeypatch.setattr(Person, "FIELD_CATEGORIES", {**Person.FIELD_CATEGORIES, "citizenship": "health"})
    assert policy.parse_policy(raw()).fields["people.Person"]["citizenship"] == "health"


def test_models_that_hold_no_case_data_are_in_no_category_a_relationship_can_open():
    loaded = policy.policy()
    for label in ("org.Region", "org.Agency", "org.User", "org.ApiToken", "audit.AuditEvent"):
        assert set(loaded.fields[label].values()) <= set(SystemCategory.values), label
        assert policy.allowed_fields(label, InfoCategory.values) == frozenset(), label


def test_the_provider_sees_only_the_fields_the_models_mark_for_a_referral():
    from continuum.people.models import Person

    assert policy.referral_fields("people.Person") == Person.REFERRAL_VIEW
    assert "last_name" not in policy.referral_fields("people.Person")
    assert policy.referral_fields("justice.Investigation") == frozenset()


def test_a_referral_view_field_the_provider_may_never_see_stops_the_start(monkeypatch):
    from continuum.care.models import ServiceReferral

    monkeypatch.setattr(
        ServiceReferral, "FIELD_CATEGORIES", {**ServiceReferral.FIELD_CATEGORIES, "reason": "justice"}
    )
    with pytest.raises(ImproperlyConfigured, match="provider may never see"):
        policy.parse_policy(raw())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["roles"].update(wizard=copy.deepcopy(d["roles"]["analyst"])), "unknown role"),
        (lambda d: d["roles"]["coordinator"]["case"]["view"].append("friendship"), "unknown relationships"),
        (lambda d: d["roles"]["coordinator"]["grants"]["same_region"].append("gossip"), "unknown categories"),
        (lambda d: d["roles"].pop("admin"), "no rules for roles"),
        (lambda d: d["roles"]["coordinator"]["consent"].append("reference"), "unknown categories"),
        (lambda d: d.update(fields={"people.Person": {"identity": ["first_name"]}}), "never fields"),
        (lambda d: d["referral_view"].append("cases.Gossip"), "unknown model"),
        (lambda d: d["referral_view"].append("justice.Investigation"), "no REFERRAL_VIEW"),
        (lambda d: d.update(version=2), "version 1"),
    ],
)
def test_a_mistake_in_the_policy_stops_the_start(mutate, message):
    data = raw()
    mutate(data)
    with pytest.raises(ImproperlyConfigured, match=message):
        policy.parse_policy(data)


def test_privileged_notes_never_reach_police_or_prosecutors():
    loaded = policy.policy()
    for role in ("law_enforcement", "prosecutor"):
        assert "privileged_notes" in loaded.roles[role].never
    assert policy.categories_for(
        "law_enforcement",
        frozenset({"agency_on_team", "consent"}),
        consented=["privileged_notes", "identity"],
    ) == {"case_facts", "justice", "identity"}


def test_analysts_see_no_person_and_no_case():
    assert policy.policy().roles["analyst"].case == {}
    assert (
        policy.categories_for("analyst", frozenset({"same_region", "consent"}), consented=["identity"])
        == set()
    )


def test_a_broken_policy_file_fails_the_system_check(monkeypatch, tmp_path):
    from continuum.access import checks

    broken = tmp_path / "policy.yaml"
    broken.write_text("version: 2\n", encoding="utf-8")
    monkeypatch.setattr(policy, "POLICY_FILE", broken)
    policy.policy.cache_clear()
    try:
        errors = checks.policy_and_routing_are_valid()
    finally:
        policy.policy.cache_clear()
    assert [e.id for e in errors] == ["continuum.E010"]
    assert "version 1" in errors[0].msg


def test_the_system_check_passes_on_the_real_files():
    from continuum.access import checks

    assert checks.policy_and_routing_are_valid() == []
