"""System checks that keep the data model honest."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import Error, register

from continuum.core.sensitivity import concrete_field_names, declared


@register()
def every_field_has_a_sensitivity(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for model in apps.get_models():
        if not model.__module__.startswith("continuum."):
            continue
        mapping = declared(model)
        names = set(concrete_field_names(model))
        for name in sorted(names - set(mapping)):
            errors.append(
                Error(
                    f"{model._meta.label}.{name} has no sensitivity.",
                    hint="Add it to the model's SENSITIVITY mapping (continuum.core.sensitivity).",
                    obj=model,
                    id="continuum.E001",
                )
            )
        for name in sorted(set(mapping) - names):
            errors.append(
                Error(
                    f"{model._meta.label}.SENSITIVITY names {name!r}, which is not a field.",
                    obj=model,
                    id="continuum.E002",
                )
            )
    return errors
