"""A system actor (a background job) is nobody's member: every case rule denies it, and
policy.yaml `system` is strict about the actors and operations it names."""

import copy

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from continuum.access import policy, system
from continuum.audit import log as audit
from continuum.audit.models import AuditEvent
from continuum.cases.models import Case

pytestmark = pytest.mark.django_db


def raw():
    return yaml.safe_load(policy.POLICY_FILE.read_text(encoding="utf-8"))


def every_case_action():
    return sorted({action for rules in policy.policy().roles.values() for action in rules.case})


def test_the_policy_lets_care_reminders_remind_and_nothing_else():
    assert policy.policy().system == {"care.reminders": frozenset({"service_referral.remind"})}
    job = system.actor("care.reminders")
    assert policy.system_may(job, "service_referral.remind")
    assert not policy.system_may(job, "service_referral.send")


def test_a_user_is_never_a_system_actor_even_named_like_one(persona):
    assert not policy.system_may(persona("coordinator"), "service_referral.remind")
    assert not policy.system_may(None, "service_referral.remind")


@pytest.mark.parametrize("action", every_case_action())
def test_a_system_actor_gets_404_on_every_case_and_an_empty_list(action):
    job = system.actor("care.reminders")
    assert not policy.restrict_cases(Case.objects.all(), job, action).exists()
    assert not policy.can(job, action)
    for case in Case.objects.all()[:5]:
        with pytest.raises(Http404):
            policy.access_case(job, case.pk, action)
    denied = AuditEvent.objects.filter(action="deny", role="system").order_by("-id").first()
    assert denied is not None and denied.actor_id is None
    assert denied.detail == {"attempted": action, "system_actor": "care.reminders"}


def test_a_system_actor_does_no_work_that_is_about_no_case():
    job = system.actor("care.reminders")
    assert not any(policy.may(job, work) for work in policy.policy().work)


def test_an_unknown_system_actor_name_is_an_error():
    with pytest.raises(LookupError, match=r"no\.such"):
        system.actor("no.such")


def test_a_policy_naming_an_unknown_system_actor_fails_to_load():
    data = copy.deepcopy(raw())
    data["system"]["payroll.export"] = ["service_referral.remind"]
    with pytest.raises(ImproperlyConfigured, match=r"unknown system actor 'payroll\.export'"):
        policy.parse_policy(data)


def test_a_policy_naming_an_operation_no_app_declares_fails_to_load():
    data = copy.deepcopy(raw())
    data["system"]["care.reminders"] = ["service_referral.remind", "service_referral.delete"]
    with pytest.raises(
        ImproperlyConfigured,
        match=r"'care\.reminders' names operations no app declares \['service_referral\.delete'\]",
    ):
        policy.parse_policy(data)


def test_a_system_section_that_is_not_a_mapping_fails_to_load():
    data = copy.deepcopy(raw())
    data["system"] = ["care.reminders"]
    with pytest.raises(ImproperlyConfigured, match="system must map"):
        policy.parse_policy(data)


def test_no_caller_can_write_the_system_actors_name_into_a_users_row(persona):
    with pytest.raises(ValueError, match="reserved"):
        audit.record(actor=persona("coordinator"), action="view", detail={"system_actor": "care.reminders"})
