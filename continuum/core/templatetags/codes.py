"""Template filters that show code-list values by their labels."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.db import models

from continuum.core import codes, htcds, sensitivity

register = template.Library()

_LISTS: dict[str, type[models.TextChoices]] = {
    name: value
    for module in (htcds, codes, sensitivity)
    for name, value in vars(module).items()
    if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices
}


@register.filter
def labels(values: Iterable[str] | str | None, list_name: str) -> str:
    """`{{ exploitation.types|labels:"TypeOfExploitation" }}` gives "Forced labour, Sexual exploitation"."""
    if not values:
        return ""
    choices = _LISTS[list_name]
    items = [values] if isinstance(values, str) else list(values)
    known = dict(choices.choices)
    return ", ".join(str(known.get(item, item)) for item in items)


@register.filter
def language_name(code: str | None) -> str:
    if not code:
        return ""
    return codes.LANGUAGE_NAMES.get(code, code)
