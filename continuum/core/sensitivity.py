"""How sensitive each stored field is: the one place that policy, exports and statistics read.

Every concrete model of Continuum declares, beside its fields, a `SENSITIVITY` mapping from
each field name to one of the levels below. A system check (continuum.core.checks) refuses to
start when a field is missing from the mapping or the mapping names a field that does not
exist, so a new column can never be added without a decision about who may see it.
"""

from __future__ import annotations

from enum import IntEnum

from django.db import models


class Sensitivity(IntEnum):
    """Ordered from the least to the most protected."""

    # Reference data and structure: region names, code lists, ids.
    PUBLIC = 0
    # Facts about a case that identify no one alone: dates, types, statuses, counts.
    CASE_FACT = 1
    # Names, dates of birth, contact details, addresses: whatever points at a person.
    IDENTIFYING = 2
    # Advocate-privileged notes and the survivor's own account: never to police or prosecutors.
    PRIVILEGED = 3


def declared(model: type[models.Model]) -> dict[str, Sensitivity]:
    mapping: dict[str, Sensitivity] = getattr(model, "SENSITIVITY", {})
    return mapping


def sensitivity_of(model: type[models.Model], field_name: str) -> Sensitivity:
    try:
        return declared(model)[field_name]
    except KeyError:
        raise LookupError(f"{model._meta.label}.{field_name} has no declared sensitivity") from None


def fields_up_to(model: type[models.Model], level: Sensitivity) -> list[str]:
    """The field names of `model` whose sensitivity is at most `level`, in model order."""
    mapping = declared(model)
    return [
        f.name for f in model._meta.concrete_fields if mapping.get(f.name, Sensitivity.PRIVILEGED) <= level
    ]


def concrete_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]


class InfoCategory(models.TextChoices):
    """The categories of a survivor's information that consent is given for (SECURITY.md 4).

    Which field falls in which category is said in continuum/access/policy.yaml.
    """

    CASE_FACTS = "case_facts", "Case facts (type, status, dates, region)"
    IDENTITY = "identity", "Identity (names, date of birth, citizenship)"
    CONTACT = "contact", "Contact details (phone, e-mail, address)"
    EXPLOITATION = "exploitation", "What happened (exploitation, recruitment, control)"
    LOCATION = "location", "Where the survivor is now"
    HEALTH = "health", "Health"
    IMMIGRATION = "immigration", "Immigration status"
    ACCOUNT = "account", "The survivor's own account"
    PLAN = "plan", "The case plan and its goals"
    PRIVILEGED_NOTES = "privileged_notes", "Advocate's privileged notes"
    JUSTICE = "justice", "Investigation and prosecution"
