"""Who acts when no one is signed in: the named system actors of background jobs.

A job (continuum/core/jobs.py) acts as a `SystemActor`, never as `None`: a stable name such as
"care.reminders", which its audit rows and journey events carry, and which policy.yaml `system`
names with the operations it may do (`policy.system_may(actor, operation)`). A system actor is not
signed in and has no membership, so every case rule of the policy denies it (`access_case` is a
404, `restrict_cases` is empty): it may do only the operations its section lists, through the
actions that ask for them.

Two registries, both filled by the apps from their `AppConfig.ready()` (the access layer names
none of the apps above it, continuum/access/registry.py):

- the system actors that exist (`register_actor`, `SYSTEM_ACTORS`, `actor(name)`);
- the operations an action asks a system actor for (`declare_operations`), so that policy.yaml
  cannot grant an operation that no action checks (a typo would otherwise grant nothing, silently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

# Lower-case words separated by dots, like a periodic job's name ("care.reminders"); it is stored
# in the audit row's detail, so it is a code (continuum/audit/log.py CODE_RE) of 64 characters at most.
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class SystemActor:
    """A background job acting under its own name. Not a user: no id, no membership, no role."""

    name: str

    # What the audit log and the journey log look for (they sit below this layer and duck-type it).
    is_system: ClassVar[bool] = True
    is_authenticated: ClassVar[bool] = False
    is_active: ClassVar[bool] = False
    pk: ClassVar[None] = None
    membership: ClassVar[None] = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or len(self.name) > 64:
            raise ValueError(f"A system actor's name is lower-case words separated by dots: {self.name!r}.")

    def __str__(self) -> str:
        return f"system:{self.name}"


SYSTEM_ACTORS: dict[str, SystemActor] = {}
_OPERATIONS: set[str] = set()


def register_actor(name: str) -> SystemActor:
    """Declare a system actor (from an AppConfig.ready); registering it again is harmless."""
    found = SYSTEM_ACTORS.get(name)
    if found is None:
        found = SYSTEM_ACTORS[name] = SystemActor(name)
    return found


def actor(name: str) -> SystemActor:
    """The registered system actor `name`; LookupError for a name no app registered."""
    try:
        return SYSTEM_ACTORS[name]
    except KeyError:
        raise LookupError(f"No system actor {name!r} is registered (continuum/access/system.py).") from None


def declare_operations(*names: str) -> None:
    """Declare operations that actions check with `policy.system_may` (from an AppConfig.ready)."""
    for name in names:
        if not _NAME.match(name):
            raise ValueError(f"An operation is a model and a verb separated by a dot: {name!r}.")
        _OPERATIONS.add(name)


def operations() -> frozenset[str]:
    """Every operation an app declared."""
    return frozenset(_OPERATIONS)
