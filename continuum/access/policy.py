"""The one module that decides who may see or do what with protected data.

The rules are data, in policy.yaml beside this file (role x action x relationship and the
information categories each relationship opens). The category of every field is said once, by
the field's model (`FIELD_CATEGORIES`, continuum/core/sensitivity.py). This module
reads them, computes a user's relationships with a case in one query, and answers three
questions for every view, API endpoint, export, PDF and job:

- which cases may this user `action`?  `restrict_cases(Case.objects..., user, action)`
- may this user `action` this case, and what may they see of it?  `access_case(...)`
- which fields of this object may they see?  `CaseAccess.fields_of(obj)` / `Shown`

"Not allowed" and "does not exist" answer the same 404. Fail closed: an error while deciding
yields an empty result or a 404, never data.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from continuum.access import grants, registry, system
from continuum.audit import log as audit
from continuum.core.sensitivity import InfoCategory, SystemCategory, declared

logger = logging.getLogger(__name__)

POLICY_FILE = Path(__file__).with_name("policy.yaml")
CATEGORIES = frozenset(InfoCategory.values)
# A field whose category is the row's own `category` value (an MDT minute): no relationship
# grants it as such, so it is shown only by a selector that checks each row.
ROW_CATEGORY = SystemCategory.ROW_CATEGORY.value
ANY = "any"
# People in these roles of a case are investigation subjects: their identity is justice data.
JUSTICE_PARTICIPANT_ROLES = frozenset({"suspect", "witness"})
PERSONAL_CATEGORIES_OF_SUBJECTS = frozenset({"identity", "contact", "location"})


# --- the rules, as read from policy.yaml ------------------------------------------------------


# A rule for one operation on a protected model: any of its clauses allows it, and a clause holds
# when every one of its terms does ("case.task & owner_agency" is one clause of two terms).
Rule = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RoleRules:
    case: Mapping[str, frozenset[str]]
    grants: Mapping[str, frozenset[str]]
    consent: frozenset[str]
    never: frozenset[str]
    # "task.complete" -> its rule (policy.yaml `objects`), for the models of registry.protected()
    objects: Mapping[str, Rule] = field(default_factory=dict)


@dataclass(frozen=True)
class Scopes:
    """Access that is not to one record (policy.yaml `scopes`)."""

    aggregate: frozenset[str] = frozenset()  # roles that may ask for counts (never rows)
    min_cell: int = 10  # counts under this are suppressed
    bulk_export: frozenset[str] = frozenset()  # roles that may export rows in bulk
    api: Mapping[str, str] = field(default_factory=dict)  # an API token's scope -> its operation


@dataclass(frozen=True)
class Policy:
    relationships: frozenset[str]
    roles: Mapping[str, RoleRules]
    work: Mapping[str, frozenset[str]]  # work that is about no one case -> the roles that do it
    referral_view: Mapping[str, frozenset[str]]  # model label -> the fields a provider sees
    fields: Mapping[str, Mapping[str, str]]  # model label -> field name -> category (from the models)
    urls: Mapping[str, str]
    # system actor name -> the operations it may do (continuum/access/system.py)
    system: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # operations of protected models that no one may do through the application
    nobody: frozenset[str] = frozenset()
    scopes: Scopes = field(default_factory=Scopes)

    def rules(self, role: str | None) -> RoleRules | None:
        return self.roles.get(role) if role else None

    def relationships_for(self, role: str | None, action: str) -> frozenset[str]:
        rules = self.rules(role)
        return rules.case.get(action, frozenset()) if rules else frozenset()


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ImproperlyConfigured(f"policy.yaml: {where} must be a list of names")
    return value


def parse_policy(data: Any) -> Policy:
    """Validate the policy strictly: an unknown name anywhere stops the start."""
    from continuum.org.models import Role

    if not isinstance(data, dict) or data.get("version") != 1:
        raise ImproperlyConfigured("policy.yaml: version 1 expected")
    relationships = frozenset(_strings(data.get("relationships"), "relationships")) | {ANY}
    roles: dict[str, RoleRules] = {}
    for role, raw in (data.get("roles") or {}).items():
        if role not in Role.values:
            raise ImproperlyConfigured(f"policy.yaml: unknown role {role!r}")
        case = {
            action: frozenset(_strings(rels, f"{role}.case.{action}")) for action, rels in raw["case"].items()
        }
        grants = {
            rel: frozenset(_strings(cats, f"{role}.grants.{rel}")) for rel, cats in raw["grants"].items()
        }
        consent = frozenset(_strings(raw["consent"], f"{role}.consent"))
        never = frozenset(_strings(raw["never"], f"{role}.never"))
        for rels in case.values():
            if unknown := rels - relationships:
                raise ImproperlyConfigured(
                    f"policy.yaml: {role} names unknown relationships {sorted(unknown)}"
                )
        if strangers := set(grants) - relationships:
            raise ImproperlyConfigured(
                f"policy.yaml: {role} grants for unknown relationships {sorted(strangers)}"
            )
        for cats in [*grants.values(), consent, never]:
            if unknown := cats - CATEGORIES:
                raise ImproperlyConfigured(f"policy.yaml: {role} names unknown categories {sorted(unknown)}")
        objects = _object_rules(raw.get("objects") or {}, role, relationships)
        roles[role] = RoleRules(case=case, grants=grants, consent=consent, never=never, objects=objects)
    if missing := set(Role.values) - set(roles):
        raise ImproperlyConfigured(f"policy.yaml: no rules for roles {sorted(missing)}")
    case_actions = frozenset(action for rules in roles.values() for action in rules.case)
    for role, rules in roles.items():
        for operation, rule in rules.objects.items():
            for term in (t for clause in rule for t in clause if t.startswith("case.")):
                if term[5:] not in case_actions:
                    raise ImproperlyConfigured(
                        f"policy.yaml: {role}.objects.{operation} names {term!r}, a case action no role has"
                    )
    nobody = frozenset(_strings(data.get("nobody") or [], "nobody"))
    if unknown_ops := nobody - _registered_operations():
        raise ImproperlyConfigured(f"policy.yaml: nobody names unknown operations {sorted(unknown_ops)}")
    if "fields" in data:
        raise ImproperlyConfigured(
            "policy.yaml: the policy names categories, never fields; "
            "a field's category is its model's FIELD_CATEGORIES"
        )
    fields = fields_from_models()
    work: dict[str, frozenset[str]] = {}
    for name, who in (data.get("work") or {}).items():
        if unknown_roles := set(_strings(who, f"work.{name}")) - set(Role.values):
            raise ImproperlyConfigured(
                f"policy.yaml: work {name!r} names unknown roles {sorted(unknown_roles)}"
            )
        work[name] = frozenset(who)
    # A provider's view of a referral is marked field by field in the models (REFERRAL_VIEW);
    # the `never` of every role of the provider portal still rules over it.
    referral_view = _referral_view(_strings(data.get("referral_view") or [], "referral_view"), fields)
    for name, shown in referral_view.items():
        for role in sorted(work.get("provider_portal", frozenset())):
            barred = {f for f in shown if fields[name][f] in roles[role].never}
            if barred:
                raise ImproperlyConfigured(
                    f"policy.yaml: {name}.REFERRAL_VIEW shows {sorted(barred)}, which {role} may never see"
                )
    urls = data.get("urls") or {}
    if not isinstance(urls, dict):
        raise ImproperlyConfigured("policy.yaml: urls must map URL names to operations")
    system_rules = _system_rules(data.get("system") or {})
    scopes = _scopes(data.get("scopes") or {})
    ruled = {op for rules in roles.values() for op in rules.objects}
    ruled |= {op for ops in system_rules.values() for op in ops} | set(scopes.api.values())
    if unruled := _registered_operations() - ruled - nobody:
        raise ImproperlyConfigured(
            "policy.yaml: operations with no rule for any role, system actor or API scope "
            f"(give each a rule, or list it under `nobody`): {sorted(unruled)}"
        )
    if both := nobody & ruled:
        raise ImproperlyConfigured(f"policy.yaml: operations both ruled and under `nobody`: {sorted(both)}")
    return Policy(
        relationships=relationships,
        roles=roles,
        work=work,
        referral_view=referral_view,
        fields=fields,
        urls=dict(urls),
        system=system_rules,
        nobody=nobody,
        scopes=scopes,
    )


def _registered_operations() -> frozenset[str]:
    """ "model.operation" for every operation of every protected model (registry.protected)."""
    return frozenset(
        f"{name}.{op}" for name, entry in registry.protected().items() for op in entry.operations
    )


def _object_rules(raw: Any, role: str, case_relationships: frozenset[str]) -> dict[str, Rule]:
    """A role's `objects` section: model -> operation -> clauses. A model, an operation or a
    relationship no app registered stops the start, and so does a rule for an operation asked
    before its row exists (`creates`) that names a relationship of the row."""
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"policy.yaml: {role}.objects must map models to operations")
    known = registry.protected()
    rules: dict[str, Rule] = {}
    for name, operations in raw.items():
        entry = known.get(name)
        if entry is None:
            raise ImproperlyConfigured(f"policy.yaml: {role}.objects names unknown model {name!r}")
        if not isinstance(operations, dict):
            raise ImproperlyConfigured(f"policy.yaml: {role}.objects.{name} must map operations to rules")
        for op, clauses in operations.items():
            where = f"{role}.objects.{name}.{op}"
            if op not in entry.operations:
                raise ImproperlyConfigured(f"policy.yaml: {where}: {name} has no operation {op!r}")
            rule: list[tuple[str, ...]] = []
            for clause in _strings(clauses, where):
                terms = tuple(sorted(t.strip() for t in clause.split("&")))
                for term in terms:
                    if term == ANY:
                        continue
                    if term.startswith("case."):
                        if entry.case is None and name != "case":
                            raise ImproperlyConfigured(
                                f"policy.yaml: {where}: {name} is reached through no case"
                            )
                        continue
                    if term not in entry.relationships:
                        raise ImproperlyConfigured(
                            f"policy.yaml: {where} names unknown relationship {term!r} "
                            f"(known for {name}: {sorted(entry.relationships)}, any, case.<action>)"
                        )
                    if op in entry.creates:
                        raise ImproperlyConfigured(
                            f"policy.yaml: {where} is decided before the row exists: "
                            f"only `any` and `case.<action>` apply, not {term!r}"
                        )
                rule.append(terms)
            rules[f"{name}.{op}"] = tuple(rule)
    return rules


def _scopes(raw: Any) -> Scopes:
    """The `scopes` section: aggregate (roles, min_cell), bulk_export (roles), api (token scope ->
    operation). Unknown roles, token scopes or operations stop the start."""
    from continuum.org.models import Role
    from continuum.org.tokens import SCOPES

    if not isinstance(raw, dict) or set(raw) - {"aggregate", "bulk_export", "api"}:
        raise ImproperlyConfigured("policy.yaml: scopes has aggregate, bulk_export and api")
    aggregate = raw.get("aggregate") or {}
    export = raw.get("bulk_export") or {}
    api = raw.get("api") or {}
    roles_of = {
        "aggregate": frozenset(_strings(aggregate.get("roles") or [], "scopes.aggregate.roles")),
        "bulk_export": frozenset(_strings(export.get("roles") or [], "scopes.bulk_export.roles")),
    }
    for name, who in roles_of.items():
        if unknown := who - set(Role.values):
            raise ImproperlyConfigured(f"policy.yaml: scopes.{name} names unknown roles {sorted(unknown)}")
    min_cell = aggregate.get("min_cell", 10)
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise ImproperlyConfigured("policy.yaml: scopes.aggregate.min_cell must be a positive whole number")
    if not isinstance(api, dict) or not all(isinstance(v, str) for v in api.values()):
        raise ImproperlyConfigured("policy.yaml: scopes.api must map token scopes to operations")
    if unknown_scopes := set(api) - SCOPES:
        raise ImproperlyConfigured(
            f"policy.yaml: scopes.api names unknown token scopes {sorted(unknown_scopes)}"
        )
    if unknown_ops := set(api.values()) - _registered_operations():
        raise ImproperlyConfigured(f"policy.yaml: scopes.api names unknown operations {sorted(unknown_ops)}")
    return Scopes(
        aggregate=roles_of["aggregate"],
        min_cell=min_cell,
        bulk_export=roles_of["bulk_export"],
        api=dict(api),
    )


def _system_rules(raw: Any) -> dict[str, frozenset[str]]:
    """The `system` section: each system actor by name and the operations it may do. A name no
    app registered (system.register_actor) or an operation no app declared
    (system.declare_operations) stops the start, like an unknown role."""
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("policy.yaml: system must map system actor names to operations")
    declared_operations = system.operations() | _registered_operations()
    rules: dict[str, frozenset[str]] = {}
    for name, ops in raw.items():
        if name not in system.SYSTEM_ACTORS:
            raise ImproperlyConfigured(
                f"policy.yaml: unknown system actor {name!r} (known: {sorted(system.SYSTEM_ACTORS)})"
            )
        if unknown := set(_strings(ops, f"system.{name}")) - declared_operations:
            raise ImproperlyConfigured(
                f"policy.yaml: system actor {name!r} names operations no app declares {sorted(unknown)}"
            )
        rules[name] = frozenset(ops)
    return rules


def fields_from_models() -> dict[str, dict[str, str]]:
    """Model label -> field name -> category, from every Continuum model's FIELD_CATEGORIES (the
    system check continuum.E001-E003 makes each mapping complete). Needs the app registry."""
    from django.apps import apps

    return {
        model._meta.label: {name: str(category) for name, category in declared(model).items()}
        for model in apps.get_models()
        if model.__module__.startswith("continuum.")
    }


def _referral_view(labels: list[str], fields: Mapping[str, Mapping[str, str]]) -> dict[str, frozenset[str]]:
    """The fields a provider sees of each model named in `referral_view`: its REFERRAL_VIEW."""
    from django.apps import apps

    view: dict[str, frozenset[str]] = {}
    for label in labels:
        if label not in fields:
            raise ImproperlyConfigured(f"policy.yaml: referral_view names unknown model {label!r}")
        marked = getattr(apps.get_model(label), "REFERRAL_VIEW", None)
        if not marked:
            raise ImproperlyConfigured(
                f"policy.yaml: referral_view names {label}, which has no REFERRAL_VIEW"
            )
        if unknown := set(marked) - set(fields[label]):
            raise ImproperlyConfigured(f"{label}.REFERRAL_VIEW names unknown fields {sorted(unknown)}")
        view[label] = frozenset(marked)
    return view


@functools.cache
def policy() -> Policy:
    with POLICY_FILE.open(encoding="utf-8") as handle:
        return parse_policy(yaml.safe_load(handle))


def clock() -> dt.datetime:
    """The policy's idea of now (one function, so that tests can travel in time)."""
    return timezone.now()


# --- who is asking ------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    user_id: int
    role: str
    agency_id: int
    region_id: int | None


def actor_of(user: Any) -> Actor | None:
    """The acting staff member, or None for anyone who may see nothing protected."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    membership = getattr(user, "membership", None)
    if membership is None or not membership.active:
        return None
    return Actor(user.pk, membership.role, membership.agency_id, membership.agency.region_id)


def _relationship_expression(name: str, actor: Actor, now: dt.datetime) -> Q:
    """The condition under which `actor` has relationship `name` with a case: a filter on the
    case's own columns, or, for the relationships of the grants index (grants.RELATIONSHIPS), a
    filter on `access.CaseGrant` rows (see _condition, which joins those once)."""
    nothing = Q(pk__in=[])
    if name == ANY:
        return ~nothing
    if name == "same_region":
        return Q(region_id=actor.region_id) if actor.region_id is not None else nothing
    if name == "minor_in_region":
        return Q(region_id=actor.region_id, age_group="minor") if actor.region_id is not None else nothing
    if name in grants.USER_HELD:
        return Q(relationship=name, user_id=actor.user_id)
    if name in grants.RELATIONSHIPS:
        return Q(relationship=name, agency_id=actor.agency_id)
    raise ImproperlyConfigured(f"no such relationship: {name}")


def _any_of(conditions: Iterable[Q]) -> Q | None:
    combined: Q | None = None
    for condition in conditions:
        combined = condition if combined is None else combined | condition
    return combined


def _condition(names: Iterable[str], actor: Actor, now: dt.datetime) -> Q:
    """Cases where any of the relationships `names` holds: the case's columns, OR'd with one
    semi-join on the grants in force (an index join, not one sub-plan per relationship)."""
    ordered = sorted(names)
    on_case = _any_of(
        _relationship_expression(n, actor, now) for n in ordered if n not in grants.RELATIONSHIPS
    )
    on_grants = _any_of(_relationship_expression(n, actor, now) for n in ordered if n in grants.RELATIONSHIPS)
    granted = (
        Q(pk__in=grants.in_force(now).filter(on_grants).values("case_id")) if on_grants is not None else None
    )
    combined = _any_of(c for c in (on_case, granted) if c is not None)
    return combined if combined is not None else Q(pk__in=[])


CaseQS = TypeVar("CaseQS", bound="QuerySet[Any]")


def restrict_cases(queryset: CaseQS, user: Any, action: str, *, showing: str | None = None) -> CaseQS:
    """The cases `user` may `action`; an empty queryset when in doubt.

    With `showing`, only the cases where a relationship that allows the action also opens that
    information category (e.g. searching by survivor name needs `identity`)."""
    try:
        actor = actor_of(user)
        if actor is None:
            return queryset.none()
        names = policy().relationships_for(actor.role, action)
        if showing is not None:
            rules = policy().rules(actor.role)
            assert rules is not None
            names = frozenset(n for n in names if showing in rules.grants.get(n, frozenset()) - rules.never)
        if not names:
            return queryset.none()
        return queryset.filter(_condition(names, actor, clock()))
    except Exception:
        logger.exception("policy error while restricting cases; denying")
        return queryset.none()


def relationships_with(
    user: Any, case_id: uuid.UUID, now: dt.datetime | None = None
) -> frozenset[str] | None:
    """Every relationship the user has with the case; None when the case does not exist."""
    return _relationships_and_case(user, case_id, now)[0]


def _relationships_and_case(
    user: Any, case_id: uuid.UUID, now: dt.datetime | None = None, related: tuple[str, ...] = ()
) -> tuple[frozenset[str] | None, Any]:
    """The user's relationships with the case and the case itself (with `related` joined), in two
    plain queries: the case row, with the relationships that are conditions on its own columns,
    and the grants in force that the user or their agency holds on it (one index range of
    `grant_case_holder`, not one EXISTS sub-plan per relationship)."""
    cases = registry.case_model().objects  # the registered case model (continuum/access/registry.py)

    actor = actor_of(user)
    if actor is None:
        return frozenset(), None
    moment = now or clock()
    names = sorted(policy().relationships - {ANY})
    on_case = {
        f"rel_{name}": ExpressionWrapper(
            Q(_relationship_expression(name, actor, moment)), output_field=BooleanField()
        )
        for name in names
        if name not in grants.RELATIONSHIPS
    }
    case = cases.select_related(*related).filter(pk=case_id).annotate(**on_case).first()
    if case is None:
        return None, None
    held = _any_of(
        _relationship_expression(name, actor, moment) for name in names if name in grants.RELATIONSHIPS
    )
    granted = (
        set(grants.in_force(moment).filter(held, case_id=case_id).values_list("relationship", flat=True))
        if held is not None
        else set()
    )
    on_columns = {name for name in names if name not in grants.RELATIONSHIPS and getattr(case, f"rel_{name}")}
    return frozenset({ANY} | on_columns | (granted & set(names))), case


# --- what a user may see of one case ---------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    """The decision for one user and one case: the case itself, the relationships that hold, and
    the information categories the user may see."""

    case: Any  # the registered case model's row (continuum/access/registry.py CaseRoot)
    user_id: int
    role: str
    relationships: frozenset[str]
    categories: frozenset[str]
    flagged: bool = False
    _fields_cache: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, compare=False)

    def fields_of(self, model_label: str, *, participant_role: str = "") -> frozenset[str]:
        key = (model_label, participant_role)
        if key not in self._fields_cache:
            self._fields_cache[key] = allowed_fields(
                model_label, self.categories, participant_role=participant_role
            )
        return self._fields_cache[key]

    def shows(self, category: str) -> bool:
        return category in self.categories

    def barred(self, category: str) -> bool:
        """Whether the role may never see this category (policy.yaml `never`), consent or not."""
        rules = policy().rules(self.role)
        return rules is None or category in rules.never

    def allows(self, action: str) -> bool:
        """Whether this user may also `action` this case (for the links a page offers)."""
        return bool(policy().relationships_for(self.role, action) & self.relationships)


def allowed_fields(
    model_label: str, categories: Iterable[str], *, participant_role: str = ""
) -> frozenset[str]:
    granted = frozenset(categories)
    by_field = policy().fields.get(model_label, {})
    shown = set()
    for name, category in by_field.items():
        if participant_role in JUSTICE_PARTICIPANT_ROLES and category in PERSONAL_CATEGORIES_OF_SUBJECTS:
            category = "justice"
        if category in granted:
            shown.add(name)
    return frozenset(shown)


def categories_for(
    role: str, relationships: frozenset[str], consented: Iterable[str] = (), ordered: Iterable[str] = ()
) -> frozenset[str]:
    """The categories a role sees through its relationships, the survivor's consent and court orders."""
    rules = policy().rules(role)
    if rules is None:
        return frozenset()
    granted: set[str] = set()
    for name in relationships:
        granted |= rules.grants.get(name, frozenset())
    if "consent" in relationships:
        granted |= set(consented) & rules.consent
    if "court_order" in relationships:
        granted |= set(ordered) & rules.consent
    return frozenset(granted - rules.never)


def _consented_categories(case_id: uuid.UUID, agency_id: int, now: dt.datetime) -> tuple[set[str], set[str]]:
    from continuum.access.models import Consent, CourtOrder

    consented: set[str] = set()
    for categories in Consent.objects.filter(
        case_id=case_id, agency_id=agency_id, revoked_at=None, granted_at__lte=now, expires_at__gt=now
    ).values_list("categories", flat=True):
        consented.update(categories)
    ordered: set[str] = set()
    for categories in CourtOrder.objects.filter(
        case_id=case_id, agency_id=agency_id, expires_at__gt=now
    ).values_list("categories", flat=True):
        ordered.update(categories)
    return consented, ordered


def _consented_by_case(
    case_ids: list[Any], agency_id: int, now: dt.datetime
) -> tuple[dict[Any, set[str]], dict[Any, set[str]]]:
    """`_consented_categories` for many cases in two queries."""
    from continuum.access.models import Consent, CourtOrder

    consented: dict[Any, set[str]] = {}
    ordered: dict[Any, set[str]] = {}
    if not case_ids:
        return consented, ordered
    for case_id, categories in Consent.objects.filter(
        case_id__in=case_ids, agency_id=agency_id, revoked_at=None, granted_at__lte=now, expires_at__gt=now
    ).values_list("case_id", "categories"):
        consented.setdefault(case_id, set()).update(categories)
    for case_id, categories in CourtOrder.objects.filter(
        case_id__in=case_ids, agency_id=agency_id, expires_at__gt=now
    ).values_list("case_id", "categories"):
        ordered.setdefault(case_id, set()).update(categories)
    return consented, ordered


def decide(
    user: Any, case_id: uuid.UUID, action: str, now: dt.datetime | None = None
) -> tuple[bool, frozenset[str], frozenset[str]] | None:
    """(allowed, relationships, categories) or None when the case does not exist."""
    return _decide(user, case_id, action, now)[0]


def _decide(
    user: Any, case_id: uuid.UUID, action: str, now: dt.datetime | None = None, related: tuple[str, ...] = ()
) -> tuple[tuple[bool, frozenset[str], frozenset[str]] | None, Any]:
    """`decide`, and the case it read (None unless allowed)."""
    actor = actor_of(user)
    now = now or clock()
    relationships, case = _relationships_and_case(user, case_id, now, related)
    if relationships is None:
        return None, None
    if actor is None:
        return (False, frozenset(), frozenset()), None
    needed = policy().relationships_for(actor.role, action)
    allowed = bool(needed & relationships)
    if not allowed:
        return (False, relationships, frozenset()), None
    consented: set[str] = set()
    ordered: set[str] = set()
    if relationships & {"consent", "court_order"}:
        consented, ordered = _consented_categories(case_id, actor.agency_id, now)
    return (True, relationships, categories_for(actor.role, relationships, consented, ordered)), case


def access_case(user: Any, case_id: uuid.UUID | str, action: str = "view") -> CaseAccess:
    """One case and what the user may see of it, or Http404 alike for "does not exist" and
    "not allowed". Every answer is written to the audit log here, at the door, so no page can
    forget it: a denial as `deny`, an allowed read as one row naming the case (`open_<action>`,
    with the relationships it was allowed under and the break-glass flag). A page that then shows
    particular fields or rows may add its own row saying what it showed; a write the page then
    makes writes its own row under the action's name."""

    try:
        key = uuid.UUID(str(case_id))
    except ValueError:
        raise Http404("No such case.") from None
    try:
        # The case is read once, with what its page shows beside it, by the decision itself.
        decision, case = _decide(
            user, key, action, related=("region", "town", "lead_agency", "referring_agency")
        )
    except Exception:
        logger.exception("policy error while deciding on a case; denying")
        decision, case = None, None
    if decision is None or not decision[0] or case is None:
        audit.record(
            actor=user,
            action="deny",
            object_type="cases.Case",
            object_id=str(key),
            outcome="denied",
            detail={"attempted": action},
        )
        raise Http404("No such case.")
    _, relationships, categories = decision
    actor = actor_of(user)
    assert actor is not None  # an allowed decision has an actor
    flagged = "break_glass" in relationships and actor.role == "admin"
    audit.record(
        actor=user,
        action=f"open_{action}",
        obj=case,
        flagged=flagged,
        detail={"relationships": sorted(relationships)},
    )
    return CaseAccess(
        case=case,
        user_id=actor.user_id,
        role=actor.role,
        relationships=relationships,
        categories=categories,
        flagged=flagged,
    )


def audited_list(
    user: Any,
    cases: Iterable[Any],
    action: str = "list",
    *,
    fields: Iterable[str] = (),
    flagged: bool = False,
) -> None:
    """Write the audit rows of a list that shows `cases`: one row per case shown, naming it
    (`cases.Case` and its id, so "who saw this case" is one index look-up on `case_id`), never one
    row with the ids in its detail (detail holds codes only). The rows are checked like every
    row and written in one INSERT (audit.log.record_cases), so the list's number of queries does
    not grow with its page. Call it with the cases the page shows, not the whole queryset."""

    audit.record_cases(
        actor=user,
        action=action,
        case_ids=[case if isinstance(case, uuid.UUID | str) else case.pk for case in cases],
        fields=fields,
        flagged=flagged,
    )


def can(user: Any, action: str) -> bool:
    """Whether the user's role may `action` cases at all (for navigation and list pages)."""
    actor = actor_of(user)
    return actor is not None and bool(policy().relationships_for(actor.role, action))


def may(user: Any, work: str) -> bool:
    """Whether the user's role does this kind of work (policy.yaml `work`), e.g. triage."""
    try:
        actor = actor_of(user)
        return actor is not None and actor.role in policy().work.get(work, frozenset())
    except Exception:
        logger.exception("policy error while deciding on work; denying")
        return False


def system_may(actor: Any, operation: str) -> bool:
    """Whether `actor` is a registered system actor that policy.yaml `system` lets do `operation`.
    False for a user (a user's rights are the role rules above), an unregistered actor, and on any
    error while deciding."""
    try:
        if not isinstance(actor, system.SystemActor) or system.SYSTEM_ACTORS.get(actor.name) != actor:
            return False
        return operation in policy().system.get(actor.name, frozenset())
    except Exception:
        logger.exception("policy error while deciding on a system actor; denying")
        return False


# --- every protected model: one operation, one row or a whole queryset -------------------------


class Denied(Http404):
    """An operation the policy does not allow: answered as 404, like a row that does not exist.

    It carries the deny row `require` wrote, so that `atomic_action` can write it again when the
    action's transaction rolled it back with everything else."""

    audit_row: dict[str, Any] | None = None
    audit_row_id: int | None = None

    def keep_audit_row(self) -> None:
        """Write the deny row again if the transaction it was written in was rolled back."""
        if self.audit_row is None:
            return
        from continuum.audit.models import AuditEvent

        try:
            if self.audit_row_id is None or not AuditEvent.objects.filter(pk=self.audit_row_id).exists():
                self.audit_row_id = audit.record(**self.audit_row).pk
        except Exception:
            logger.exception("could not keep the audit row of a denial")


def _split(operation: str) -> tuple[str, str]:
    name, _, op = operation.partition(".")
    if not name or not op:
        raise ImproperlyConfigured(f"an operation is a model and a verb: {operation!r}")
    return name, op


def _rule(actor: Actor, operation: str) -> Rule:
    rules = policy().rules(actor.role)
    return rules.objects.get(operation, ()) if rules else ()


def _case_filter(actor: Actor, action: str, now: dt.datetime) -> Q | None:
    """The cases `actor` may `action` under the case rules, as a filter on the case model."""
    names = policy().relationships_for(actor.role, action)
    return _condition(names, actor, now) if names else None


def _object_condition(actor: Actor, entry: registry.Protected, rule: Rule, now: dt.datetime) -> Q:
    """The rows of `entry` where any clause of `rule` holds for `actor`, as one filter: own
    relationships are conditions on the row, `case.<action>` a semi-join on the cases allowed."""
    cases = registry.case_model().objects
    clauses: list[Q] = []
    for clause in rule:
        parts: list[Q] = []
        for term in clause:
            if term == ANY:
                continue
            if term.startswith("case."):
                allowed = _case_filter(actor, term[5:], now)
                if allowed is None:
                    break
                parts.append(_through_case(entry, cases.filter(allowed).values("pk")))
            else:
                parts.append(Q(entry.relationships[term](actor)))
        else:
            combined = Q()
            for part in parts:
                combined &= part
            clauses.append(combined)
    found = _any_of(clauses)
    # An empty Q() (a clause of `any`) is every row, though it reads as false: test for None.
    return found if found is not None else Q(pk__in=[])


def _through_case(entry: registry.Protected, case_ids: QuerySet[Any]) -> Q:
    """Rows of `entry` whose case is among `case_ids`. A path through a reverse relation (a
    person's participations) would repeat a row once per case: it becomes a semi-join on the
    row's pk instead, so a restricted queryset never holds a row twice."""
    assert entry.case is not None
    model, multi = entry.model, False
    for part in entry.case.split("__"):
        try:
            found = model._meta.get_field(part)
        except Exception:
            break  # an attribute such as `case_id` at the end of the path
        multi = multi or bool(found.one_to_many or found.many_to_many)
        model = found.related_model or model
    condition = Q(**{f"{entry.case}__in": case_ids})
    if multi:
        return Q(pk__in=entry.model._default_manager.filter(condition).values("pk"))
    return condition


QS = TypeVar("QS", bound="QuerySet[Any]")


def restrict(user: Any, operation: str, queryset: QS) -> QS:
    """The rows of `queryset` on which `user` may do `operation` ("task.complete"), as one
    queryset (no row is read here); an empty queryset when in doubt. A system actor gets what its
    policy.yaml `system` section allows it (every row of the model, or none)."""
    try:
        name, op = _split(operation)
        if name == "case":
            return restrict_cases(queryset, user, op)
        entry = registry.protected_model(name)
        if queryset.model is not entry.model:
            raise ImproperlyConfigured(
                f"{operation} is about {entry.label}, not {queryset.model._meta.label}"
            )
        if isinstance(user, system.SystemActor):
            return queryset if system_may(user, operation) else queryset.none()
        actor = actor_of(user)
        if actor is None:
            return queryset.none()
        rule = _rule(actor, operation)
        if not rule:
            return queryset.none()
        return queryset.filter(_object_condition(actor, entry, rule, clock()))
    except Exception:
        logger.exception("policy error while restricting %s; denying", operation)
        return queryset.none()


def allows(user: Any, operation: str, obj: Any = None, *, case: Any = None) -> bool:
    """Whether `user` may do `operation` on `obj` (a row of the protected model), or, for an
    operation asked before its row exists (`creates`: "task.create"), on `case` (or on nothing,
    for a model about no case). One query at most; False when in doubt."""
    try:
        name, op = _split(operation)
        if name == "case":
            target = obj if obj is not None else case
            decision = decide(user, target.pk, op) if target is not None else None
            return bool(decision and decision[0])
        entry = registry.protected_model(name)
        if isinstance(user, system.SystemActor):
            return system_may(user, operation)
        if _is_token(user):
            return token_may(user, operation)
        actor = actor_of(user)
        if actor is None:
            return False
        rule = _rule(actor, operation)
        if not rule:
            return False
        if op in entry.creates:
            if obj is not None:
                raise ImproperlyConfigured(f"{operation} is decided before its row exists: pass case=")
            relationships = relationships_with(user, case.pk) if case is not None else None
            for clause in rule:
                needs = [t[5:] for t in clause if t.startswith("case.")]
                if needs and relationships is None:
                    continue
                if all(
                    policy().relationships_for(actor.role, a) & (relationships or frozenset()) for a in needs
                ):
                    return True
            return False
        if obj is None or obj.pk is None or not isinstance(obj, entry.model):
            return False
        return bool(
            entry.model._default_manager.filter(pk=obj.pk)
            .filter(_object_condition(actor, entry, rule, clock()))
            .exists()
        )
    except Exception:
        logger.exception("policy error while deciding %s; denying", operation)
        return False


def require(user: Any, operation: str, obj: Any = None, *, case: Any = None) -> None:
    """`allows`, or a `Denied` (a 404) with the refusal in the audit log. Actions call it with
    their `actor=` before they read or write anything else, so the web form, the API, an import
    and a job get the same answer."""
    if allows(user, operation, obj, case=case):
        return
    target = obj if obj is not None else case
    row: dict[str, Any] = {
        "actor": user,
        "action": "deny",
        "object_type": target._meta.label if target is not None else "access.Operation",
        "object_id": str(target.pk) if target is not None else "",
        "outcome": "denied",
        "detail": {"attempted": operation},
    }
    denied = Denied(f"{operation} is not allowed.")
    denied.audit_row, denied.audit_row_id = row, audit.record(**row).pk
    raise denied


P = ParamSpec("P")
R = TypeVar("R")


def atomic_action(action: Callable[P, R]) -> Callable[P, R]:
    """`transaction.atomic` for an action that asks the policy first (`require`): a refusal rolls
    back the action's transaction, and with it the deny row `require` wrote in it; this writes
    that row again after the rollback, so the refusal stays in the audit log."""
    in_transaction = transaction.atomic(action)

    @functools.wraps(action)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return in_transaction(*args, **kwargs)
        except Denied as denied:
            denied.keep_audit_row()
            raise

    return run


def operations_of(user: Any, name: str) -> frozenset[str]:
    """The operations on model `name` the user's role has any rule for (for the links and forms a
    page offers; the row itself is still decided by `allows`)."""
    actor = actor_of(user)
    rules = policy().rules(actor.role) if actor else None
    if rules is None:
        return frozenset()
    return frozenset(op.split(".", 1)[1] for op in rules.objects if op.startswith(f"{name}."))


def roles_allowed(operation: str, *, through: str | None = None) -> frozenset[str]:
    """The roles with a rule for `operation`; with `through`, only those where a clause of the
    rule rests on that relationship (e.g. who reads an MDT meeting because they are `invited`)."""
    return frozenset(
        role
        for role, rules in policy().roles.items()
        if (rule := rules.objects.get(operation))
        and (through is None or any(through in clause for clause in rule))
    )


# --- masked records: many rows of many cases, each showing only what its case allows ----------


def case_categories(
    user: Any, case_ids: Iterable[Any], now: dt.datetime | None = None
) -> dict[Any, frozenset[str]]:
    """For each case id, the information categories `user` may see of it (the same answer as
    `access_case(...).categories`), in at most three queries whatever the number of cases: the
    cases with the relationships on their columns, the user's grants on them, and the consents
    and court orders of those seen under consent. A case not seen at all maps to nothing."""
    actor = actor_of(user)
    ids = list(dict.fromkeys(case_ids))
    if actor is None or not ids:
        return {}
    moment = now or clock()
    names = sorted(policy().relationships - {ANY})
    on_case = {
        f"rel_{name}": ExpressionWrapper(
            Q(_relationship_expression(name, actor, moment)), output_field=BooleanField()
        )
        for name in names
        if name not in grants.RELATIONSHIPS
    }
    held_by: dict[Any, set[str]] = {case_id: {ANY} for case_id in ids}
    rows = registry.case_model().objects.filter(pk__in=ids).annotate(**on_case).values("pk", *on_case)
    found = set()
    for row in rows:
        found.add(row["pk"])
        held_by[row["pk"]] |= {name[4:] for name in on_case if row[name]}
    held = _any_of(_relationship_expression(n, actor, moment) for n in names if n in grants.RELATIONSHIPS)
    if held is not None:
        for case_id, relationship in (
            grants.in_force(moment).filter(held, case_id__in=ids).values_list("case_id", "relationship")
        ):
            held_by.setdefault(case_id, {ANY}).add(relationship)
    consenting = [c for c in found if held_by[c] & {"consent", "court_order"}]
    consented, ordered = _consented_by_case(consenting, actor.agency_id, moment)
    return {
        case_id: categories_for(
            actor.role, frozenset(held_by[case_id]), consented.get(case_id, ()), ordered.get(case_id, ())
        )
        for case_id in found
    }


def masked(user: Any, rows: Iterable[Any], *, case_of: str = "case_id") -> list[Shown]:
    """Each row as a `Shown` that answers only the fields its case lets `user` see (by the
    row's model's FIELD_CATEGORIES), for lists, API pages and exports across cases. Pass rows the
    caller already restricted (`restrict`): masking decides fields, not rows."""
    listed = list(rows)
    categories = case_categories(user, [getattr(row, case_of) for row in listed])
    return [
        Shown(row, allowed_fields(row._meta.label, categories.get(getattr(row, case_of), frozenset())))
        for row in listed
    ]


# --- scopes: counts, bulk exports, API tokens -------------------------------------------------


def in_scope(user: Any, scope: str) -> bool:
    """Whether the user's role holds a scope of policy.yaml `scopes` (aggregate, bulk_export)."""
    actor = actor_of(user)
    if actor is None:
        return False
    scopes = policy().scopes
    holders = {"aggregate": scopes.aggregate, "bulk_export": scopes.bulk_export}.get(scope, frozenset())
    return actor.role in holders


@dataclass(frozen=True)
class Cell:
    key: tuple[Any, ...]
    count: int | None  # None when suppressed (fewer than the policy's min_cell)

    @property
    def suppressed(self) -> bool:
        return self.count is None


def aggregate(user: Any, queryset: QuerySet[Any], by: Iterable[str]) -> list[Cell]:
    """Counts of cases by the columns `by`, for a user with the aggregate scope: analysts over the
    state, any other holder over the cases they may list. Never a row, never an id; a count under
    policy.yaml `scopes.aggregate.min_cell` is suppressed. One audit row. Raises Denied without the
    scope."""
    from django.db.models import Count

    columns = list(by)
    if not in_scope(user, "aggregate") or queryset.model is not registry.case_model():
        raise Denied("Counts need the aggregate scope.")
    actor = actor_of(user)
    assert actor is not None
    base = queryset if actor.role == "analyst" else restrict_cases(queryset, user, "list")
    floor = policy().scopes.min_cell
    cells = [
        Cell(tuple(row[c] for c in columns), row["n"] if row["n"] >= floor else None)
        for row in base.order_by().values(*columns).annotate(n=Count("pk")).order_by(*columns)
    ]
    audit.record(
        actor=user,
        action="aggregate",
        object_type=registry.case_model()._meta.label,
        detail={"by": columns, "cells": len(cells)},
    )
    return cells


def _is_token(user: Any) -> bool:
    from continuum.org.models import ApiToken

    return isinstance(user, ApiToken)


def token_may(token: Any, operation: str) -> bool:
    """Whether an agency system's token (org.ApiToken), valid now, carries a scope that
    policy.yaml `scopes.api` maps to `operation`."""
    try:
        if not _is_token(token) or token.revoked_at is not None or token.expires_at <= clock():
            return False
        return any(policy().scopes.api.get(scope) == operation for scope in token.scopes)
    except Exception:
        logger.exception("policy error while deciding on a token; denying")
        return False


def referral_fields(model_label: str) -> frozenset[str]:
    """The fields a provider's staff may see of a referral sent to them: the REFERRAL_VIEW of each
    model that policy.yaml `referral_view` names (nothing of any other model)."""
    return policy().referral_view.get(model_label, frozenset())


def can_list_cases(user: Any) -> bool:
    return can(user, "list")


# --- showing only what may be seen -----------------------------------------------------------


class Withheld:
    """What a template shows in place of a field the user may not see."""

    def __str__(self) -> str:
        return "Withheld"

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Any:
        return iter(())


WITHHELD = Withheld()


class Shown:
    """A read-only view of a model instance that answers only the fields the policy allows.

    Templates read `shown.first_name` and `shown.get_gender_display` as usual; a field outside
    the allowed set gives WITHHELD, so an unpermitted value cannot reach a page by mistake.
    """

    def __init__(self, obj: Any, allowed: frozenset[str]) -> None:
        self._obj = obj
        self._allowed = allowed

    @property
    def allowed(self) -> frozenset[str]:
        return self._allowed

    def __getitem__(self, name: str) -> Any:
        base = name[4:-8] if name.startswith("get_") and name.endswith("_display") else name
        if base not in self._allowed:
            return WITHHELD
        return getattr(self._obj, name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def values(self) -> dict[str, Any]:
        """The allowed fields as a plain dict (for the API and exports)."""
        return {name: getattr(self._obj, name) for name in sorted(self._allowed) if hasattr(self._obj, name)}


def break_glass_case_ids(
    user: Any, case_ids: Iterable[uuid.UUID], now: dt.datetime | None = None
) -> set[uuid.UUID]:
    """Of `case_ids`, those `user` sees under break-glass (an administrator's open grant): the
    reads a list makes of them are flagged, as the case page's are (`CaseAccess.flagged`)."""
    from continuum.access.models import BreakGlassGrant

    actor = actor_of(user)
    if actor is None or actor.role != "admin":
        return set()
    now = now or clock()
    return set(
        BreakGlassGrant.objects.filter(
            user_id=actor.user_id, case_id__in=list(case_ids), started_at__lte=now, expires_at__gt=now
        ).values_list("case_id", flat=True)
    )
