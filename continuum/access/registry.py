"""What the apps above the access layer register with it, so that it imports none of them.

The access layer decides about cases, but `cases` sits above it (cases imports access, never the
other way round). So the dependency is inverted: an app registers, in its `AppConfig.ready()`,

- the case model (`register_case_model(Case)`, done by `cases`): the policy filters and fetches
  cases through `case_model()`, and an access action asks the case object it was given what it
  needs (`case.has_survivor(person)`), never the case app's models;
- the rows that give grants (`continuum/access/grants.py`, `grants.register_source(...)`): each app
  registers the sources of the models it owns (coordination the case team, cases the mandated
  report, access its consent, court order and break-glass);
- what follows a court order (`on_court_order(hook)`): coordination adds the task to tell the
  survivor;
- every protected model (`register_protected(...)`): its name in policy.yaml (`task`), its
  operations (`view`, `create`, `complete`), the path from a row to its case for the models reached
  through a case, and the relationships a user can have with a row of its own (the task's agency,
  the meeting's region); policy.yaml then says, per role, which relationships allow each operation
  (`objects:`), and the policy answers for one row or a whole queryset (`policy.allows`,
  `policy.restrict`).

Nothing here is looked up by name: a missing registration fails loudly at first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class CaseRoot(Protocol):
    """What the access layer needs of a case object (continuum/cases/models.py Case)."""

    pk: Any
    lead_agency_id: Any

    def has_survivor(self, person: Any) -> bool: ...

    def participant_roles(self, *people: Any) -> set[tuple[Any, str]]: ...


_case_model: Any = None
_court_order_hooks: list[Callable[..., object]] = []


def register_case_model(model: Any) -> None:
    """Name the model whose rows are cases (called once, by CasesConfig.ready)."""
    global _case_model
    _case_model = model


def case_model() -> Any:
    """The registered case model (the cases app's `Case`)."""
    if _case_model is None:
        raise LookupError("No case model is registered with the access layer (CasesConfig.ready).")
    return _case_model


def on_court_order(hook: Callable[..., object]) -> None:
    """Call `hook(order=..., case=..., actor=...)` inside the transaction that records a court order."""
    if hook not in _court_order_hooks:
        _court_order_hooks.append(hook)


def court_order_recorded(*, order: Any, case: CaseRoot, actor: Any) -> None:
    for hook in _court_order_hooks:
        hook(order=order, case=case, actor=actor)


# --- protected models --------------------------------------------------------------------------

# A name in policy.yaml: lower-case words joined by underscores ("task", "service_referral").
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Protected:
    """One protected model, as its app declares it to the access layer.

    - `operations`: every operation an action, a page, an export or a job can ask for on its rows;
      policy.yaml must give each one a rule (or list it under `nobody`), or the start fails.
    - `case`: the lookup from a row to the pk of its case (`"case"`, `"investigation__case"`,
      `"participations__case"`), for the models reached through a case; None for the others
      (the directory, MDT meetings, triage). A rule term `case.<action>` holds when the user may
      `<action>` that case under the case rules.
    - `relationships`: a user's own relationships with a row, each a function of the acting
      `policy.Actor` giving a filter on the model (`Q`); a rule term names them.
    - `creates`: the operations asked before the row exists (on its case, or on nothing): their
      rules may use only `any` and `case.<action>` terms.
    """

    name: str
    model: Any
    operations: frozenset[str]
    case: str | None = None
    relationships: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    creates: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return str(self.model._meta.label)


_protected: dict[str, Protected] = {}


def register_protected(
    name: str,
    model: Any,
    *,
    operations: Iterable[str],
    case: str | None = None,
    relationships: Mapping[str, Callable[[Any], Any]] | None = None,
    creates: Iterable[str] = (),
) -> Protected:
    """Declare a protected model (from its app's AppConfig.ready); registering again replaces it."""
    ops = frozenset(operations)
    made = frozenset(creates)
    names = {name, *ops, *(relationships or {})}
    if bad := sorted(n for n in names if not _NAME.match(n)):
        raise ValueError(f"{name}: names are lower-case words joined by underscores: {bad}")
    if not ops:
        raise ValueError(f"{name}: a protected model has at least one operation")
    if stray := made - ops:
        raise ValueError(f"{name}: creates names operations it does not declare {sorted(stray)}")
    found = _protected[name] = Protected(name, model, ops, case, dict(relationships or {}), made)
    return found


def protected() -> Mapping[str, Protected]:
    """Every protected model, by its policy name."""
    return dict(_protected)


def protected_model(name: str) -> Protected:
    try:
        return _protected[name]
    except KeyError:
        raise LookupError(
            f"No protected model {name!r} is registered (continuum/access/registry.py)."
        ) from None


def protected_for(model: Any) -> Protected | None:
    """The registration of a model class (or instance), or None."""
    cls = model if isinstance(model, type) else type(model)
    for entry in _protected.values():
        if entry.model is cls:
            return entry
    return None
