"""System checks: the policy and routing files are read at start, so a mistake stops the start."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured, ValidationError


@register()
def policy_and_routing_are_valid(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from continuum.access import policy

    errors: list[Error] = []
    try:
        loaded = policy.policy()
    except (ImproperlyConfigured, ValidationError, KeyError, TypeError, ValueError, OSError) as exc:
        return [Error(f"continuum/access/policy.yaml: {exc}", id="continuum.E010")]
    actions = {action for rules in loaded.roles.values() for action in rules.case}
    for name, operation in loaded.urls.items():
        if operation in {"public", "staff", "login", "admin.review"}:
            continue
        if operation.startswith("work.") and operation[5:] in loaded.work:
            continue
        if operation.startswith("token."):
            from continuum.org.tokens import SCOPES

            if operation[6:] in SCOPES:
                continue
        kind, _, action = operation.partition(".")
        if kind != "case" or action not in actions:
            errors.append(
                Error(f"policy.yaml: URL {name} has an unknown operation {operation!r}", id="continuum.E011")
            )
    for label, by_field in loaded.fields.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            errors.append(Error(f"policy.yaml: no model {label}", id="continuum.E012"))
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for field_name in sorted(set(by_field) - names):
            errors.append(Error(f"policy.yaml: {label} has no field {field_name}", id="continuum.E012"))
    if apps.is_installed("continuum.intake"):
        try:
            routing = importlib.import_module("continuum.intake.routing")
            routing.rules()
        except (ImproperlyConfigured, KeyError, TypeError, ValueError, OSError) as exc:
            errors.append(Error(f"continuum/intake/routing.yaml: {exc}", id="continuum.E013"))
    return errors
