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
  survivor.

Nothing here is looked up by name: a missing registration fails loudly at first use.
"""

from __future__ import annotations

from collections.abc import Callable
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
