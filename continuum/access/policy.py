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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import ImproperlyConfigured
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


@dataclass(frozen=True)
class RoleRules:
    case: Mapping[str, frozenset[str]]
    grants: Mapping[str, frozenset[str]]
    consent: frozenset[str]
    never: frozenset[str]


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
        roles[role] = RoleRules(case=case, grants=grants, consent=consent, never=never)
    if missing := set(Role.values) - set(roles):
        raise ImproperlyConfigured(f"policy.yaml: no rules for roles {sorted(missing)}")
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
    return Policy(
        relationships=relationships,
        roles=roles,
        work=work,
        referral_view=referral_view,
        fields=fields,
        urls=dict(urls),
        system=_system_rules(data.get("system") or {}),
    )


def _system_rules(raw: Any) -> dict[str, frozenset[str]]:
    """The `system` section: each system actor by name and the operations it may do. A name no
    app registered (system.register_actor) or an operation no app declared
    (system.declare_operations) stops the start, like an unknown role."""
    if not isinstance(raw, dict):
        raise ImproperlyConfigured("policy.yaml: system must map system actor names to operations")
    declared_operations = system.operations()
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


def access_case(
    user: Any, case_id: uuid.UUID | str, action: str = "view", *, audit_read: bool = False
) -> CaseAccess:
    """One case and what the user may see of it, or Http404 alike for "does not exist" and
    "not allowed". A denial is always written to the audit log; with `audit_read`, so is the
    read allowed (one row naming the case: the action, the relationships, the break-glass flag),
    for the pages that show the case and write no row of their own."""

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
    if audit_read:
        # A read, named as one (view_update, view_team, ...): the write an action may then do
        # writes its own row under the action's name.
        audit.record(
            actor=user,
            action=f"view_{action}",
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
