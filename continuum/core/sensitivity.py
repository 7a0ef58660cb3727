"""How each stored field is classified: the one list that policy, exports and statistics read.

Every concrete model of Continuum declares, beside its fields, a `FIELD_CATEGORIES` mapping from
each field name to the category of information it holds: one of the `InfoCategory` values (the
categories consent and the access policy work with) or one of the `SystemCategory` values (data
that is no survivor's information, which no consent, court order or relationship opens). A system
check (continuum.core.checks) refuses to start when a field is missing from the mapping, the
mapping names a field that does not exist, or a category is unknown, so a new column can never be
added without a decision about who may see it.

Where a coarse level of protection is needed (exports, statistics, the checks), it is derived from
the category by `level_of_category`; nothing declares a level by hand.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TypeAlias

from django.db import models


class Sensitivity(IntEnum):
    """Ordered from the least to the most protected; derived from a field's category."""

    # Reference data and structure anyone may know: region, town and agency names.
    PUBLIC = 0
    # Facts that identify no one alone: dates, types, statuses, counts; and the system's own
    # records about staff, accounts and the audit trail.
    CASE_FACT = 1
    # Names, dates of birth, contact details, addresses: whatever points at a person.
    IDENTIFYING = 2
    # The most protected: what happened to the survivor, where they are now, health, immigration,
    # their own account, the plan, the advocate's notes, and credentials.
    PRIVILEGED = 3


class InfoCategory(models.TextChoices):
    """The categories of a survivor's information that consent is given for (SECURITY.md 4).

    Which field falls in which category is said by each model's `FIELD_CATEGORIES`; which
    category a role sees is said in continuum/access/policy.yaml.
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


class SystemCategory(models.TextChoices):
    """Categories a field can have that are no survivor's information.

    No consent, court order or relationship of policy.yaml can name them (the policy accepts only
    `InfoCategory` values), so the case policy never shows such a field: the models that hold them
    are read through their own selectors under the role rules (`work` in policy.yaml, the admin
    and audit pages), never wrapped in `Shown` for a case.
    """

    # Structure and code lists anyone may know: regions, towns, agencies.
    REFERENCE = "reference", "Reference data"
    # The system's own records: accounts, memberships, tokens, the provider directory, the audit
    # trail and its seals.
    SYSTEM = "system", "System records"
    # Password and token hashes: never shown, never exported.
    CREDENTIAL = "credential", "Credentials"
    # A field whose category is the row's own `category` value (an MDT minute's body): no
    # relationship grants it as such, so only a selector that checks each row shows it.
    ROW_CATEGORY = "row_category", "The row's own category"


FieldCategory: TypeAlias = InfoCategory | SystemCategory
FieldCategories: TypeAlias = dict[str, FieldCategory]

FIELD_CATEGORY_VALUES = frozenset(InfoCategory.values) | frozenset(SystemCategory.values)

# The one place a level comes from. Each category takes the strictest level any of its fields
# had when levels were declared by hand (docs/security.md, "How a field is classified").
_LEVELS: dict[str, Sensitivity] = {
    SystemCategory.REFERENCE: Sensitivity.PUBLIC,
    SystemCategory.SYSTEM: Sensitivity.CASE_FACT,
    InfoCategory.CASE_FACTS: Sensitivity.CASE_FACT,
    InfoCategory.JUSTICE: Sensitivity.CASE_FACT,
    InfoCategory.IDENTITY: Sensitivity.IDENTIFYING,
    InfoCategory.CONTACT: Sensitivity.IDENTIFYING,
    InfoCategory.LOCATION: Sensitivity.PRIVILEGED,
    InfoCategory.EXPLOITATION: Sensitivity.PRIVILEGED,
    InfoCategory.HEALTH: Sensitivity.PRIVILEGED,
    InfoCategory.IMMIGRATION: Sensitivity.PRIVILEGED,
    InfoCategory.ACCOUNT: Sensitivity.PRIVILEGED,
    InfoCategory.PLAN: Sensitivity.PRIVILEGED,
    InfoCategory.PRIVILEGED_NOTES: Sensitivity.PRIVILEGED,
    SystemCategory.CREDENTIAL: Sensitivity.PRIVILEGED,
    SystemCategory.ROW_CATEGORY: Sensitivity.PRIVILEGED,
}


def level_of_category(category: str) -> Sensitivity:
    """The level of protection of a category; an unknown category is the most protected."""
    return _LEVELS.get(category, Sensitivity.PRIVILEGED)


def declared(model: type[models.Model]) -> dict[str, FieldCategory]:
    """The model's `FIELD_CATEGORIES` (empty when it declares none)."""
    mapping: dict[str, FieldCategory] = getattr(model, "FIELD_CATEGORIES", {})
    return mapping


def category_of(model: type[models.Model], field_name: str) -> FieldCategory:
    try:
        return declared(model)[field_name]
    except KeyError:
        raise LookupError(f"{model._meta.label}.{field_name} has no declared category") from None


def sensitivity_of(model: type[models.Model], field_name: str) -> Sensitivity:
    return level_of_category(category_of(model, field_name))


def fields_up_to(model: type[models.Model], level: Sensitivity) -> list[str]:
    """The field names of `model` whose level is at most `level`, in model order (an undeclared
    field counts as the most protected)."""
    mapping = declared(model)
    return [
        f.name
        for f in model._meta.concrete_fields
        if level_of_category(mapping.get(f.name, SystemCategory.CREDENTIAL)) <= level
    ]


def concrete_field_names(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields]
