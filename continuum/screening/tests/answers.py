"""Answer sets for the default instrument, shared by the truth table and the command tests."""

from __future__ import annotations

from typing import Any

# Every required question about force, fraud and coercion answered: none of them happened.
NO_MEANS: dict[str, Any] = {
    "promises_broken": "no",
    "debt_owed": "no",
    "documents_held": "no",
    "threatened": "no",
    "physically_harmed": "no",
    "free_to_leave": "yes",
}
NO_SEX = {"sex_exchanged": "no"}
NO_WORK = {"work_done": "no"}


def answers(**given: Any) -> dict[str, Any]:
    """NO_MEANS, no sex exchanged and no work, overridden by `given`."""
    return {**NO_MEANS, **NO_SEX, **NO_WORK, **given}
