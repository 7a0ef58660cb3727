"""System checks that keep the data model honest."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import Error, register

from continuum.core.sensitivity import FIELD_CATEGORY_VALUES, concrete_field_names, declared


@register()
def every_field_has_a_category(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every concrete field of a Continuum model has exactly one known category in the model's
    `FIELD_CATEGORIES`, and the mapping (and a `REFERRAL_VIEW`, where there is one) names only
    real fields."""
    errors: list[Error] = []
    for model in apps.get_models():
        if not model.__module__.startswith("continuum."):
            continue
        mapping = declared(model)
        names = set(concrete_field_names(model))
        for name in sorted(names - set(mapping)):
            errors.append(
                Error(
                    f"{model._meta.label}.{name} has no information category.",
                    hint="Add it to the model's FIELD_CATEGORIES (continuum.core.sensitivity).",
                    obj=model,
                    id="continuum.E001",
                )
            )
        for name in sorted(set(mapping) - names):
            errors.append(
                Error(
                    f"{model._meta.label}.FIELD_CATEGORIES names {name!r}, which is not a field.",
                    obj=model,
                    id="continuum.E002",
                )
            )
        for name, category in sorted(mapping.items()):
            if category not in FIELD_CATEGORY_VALUES:
                errors.append(
                    Error(
                        f"{model._meta.label}.{name} has the unknown category {category!r}.",
                        hint="Use an InfoCategory or a SystemCategory (continuum.core.sensitivity).",
                        obj=model,
                        id="continuum.E003",
                    )
                )
        for name in sorted(set(getattr(model, "REFERRAL_VIEW", ())) - names):
            errors.append(
                Error(
                    f"{model._meta.label}.REFERRAL_VIEW names {name!r}, which is not a field.",
                    obj=model,
                    id="continuum.E004",
                )
            )
    return errors
