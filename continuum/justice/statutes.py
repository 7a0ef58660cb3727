"""The reference table of trafficking-related Connecticut statutes (statutes.yaml beside this file).

The table is data; this module validates it strictly (an unknown level or kind, a duplicate
section, a missing or unknown key: ImproperlyConfigured) and answers `statute(section)` and
`all_statutes()`. A charge's offense class is always read from here, never typed in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models

STATUTES_FILE = Path(__file__).with_name("statutes.yaml")
SECTION_RE = re.compile(r"^[0-9]{1,3}[a-z]{0,2}-[0-9]{1,4}[a-z]{0,3}$")
REQUIRED_KEYS = frozenset({"section", "title", "level", "kind"})
OPTIONAL_KEYS = frozenset({"verify", "note"})


class OffenseLevel(models.TextChoices):
    """The class of an offense under the Penal Code (Connecticut felonies A to D here)."""

    FELONY_A = "felony_a", "Class A felony"
    FELONY_B = "felony_b", "Class B felony"
    FELONY_C = "felony_c", "Class C felony"
    FELONY_D = "felony_d", "Class D felony"
    MISDEMEANOR_A = "misdemeanor_a", "Class A misdemeanor"
    MISDEMEANOR_B = "misdemeanor_b", "Class B misdemeanor"
    MISDEMEANOR_C = "misdemeanor_c", "Class C misdemeanor"


FELONY_CLASS = {
    OffenseLevel.FELONY_A: "A",
    OffenseLevel.FELONY_B: "B",
    OffenseLevel.FELONY_C: "C",
    OffenseLevel.FELONY_D: "D",
}


class StatuteKind(models.TextChoices):
    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"
    RELATED = "related", "Related offense"


@dataclass(frozen=True)
class Statute:
    section: str
    title: str
    level: OffenseLevel
    kind: StatuteKind
    verify: bool = False
    note: str = ""

    @property
    def felony_class(self) -> str | None:
        """ "A" to "D" for a felony, None for a misdemeanor."""
        return FELONY_CLASS.get(self.level)

    @property
    def is_felony(self) -> bool:
        return self.felony_class is not None

    @property
    def citation(self) -> str:
        return f"C.G.S. § {self.section}"


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"statutes.yaml: {message}")


def parse_statutes(data: Any) -> tuple[Statute, ...]:
    """Validate the loaded YAML strictly and return the table in file order."""
    if not isinstance(data, dict) or data.get("version") != 1 or set(data) != {"version", "statutes"}:
        raise _fail("a mapping with version 1 and a list of statutes expected")
    entries = data["statutes"]
    if not isinstance(entries, list) or not entries:
        raise _fail("statutes must be a non-empty list")
    table: list[Statute] = []
    seen: set[str] = set()
    for raw in entries:
        if not isinstance(raw, dict):
            raise _fail(f"every statute must be a mapping, not {raw!r}")
        keys = set(raw)
        if not keys >= REQUIRED_KEYS or not keys <= REQUIRED_KEYS | OPTIONAL_KEYS:
            raise _fail(f"statute {raw.get('section')!r} has missing or unknown keys {sorted(keys)}")
        section, title = raw["section"], raw["title"]
        if not isinstance(section, str) or not SECTION_RE.match(section):
            raise _fail(f"{section!r} is not a section number such as 53a-192a")
        if section in seen:
            raise _fail(f"section {section} is listed twice")
        seen.add(section)
        if not isinstance(title, str) or not title.strip() or len(title) > 120:
            raise _fail(f"section {section} needs a short title")
        if raw["level"] not in OffenseLevel.values:
            raise _fail(f"section {section} has an unknown level {raw['level']!r}")
        if raw["kind"] not in StatuteKind.values:
            raise _fail(f"section {section} has an unknown kind {raw['kind']!r}")
        verify = raw.get("verify", False)
        note = raw.get("note", "")
        if not isinstance(verify, bool):
            raise _fail(f"section {section}: verify must be true or false")
        if not isinstance(note, str):
            raise _fail(f"section {section}: note must be text")
        table.append(
            Statute(
                section=section,
                title=title.strip(),
                level=OffenseLevel(raw["level"]),
                kind=StatuteKind(raw["kind"]),
                verify=verify,
                note=note,
            )
        )
    return tuple(table)


@functools.cache
def _table() -> dict[str, Statute]:
    with STATUTES_FILE.open(encoding="utf-8") as handle:
        return {s.section: s for s in parse_statutes(yaml.safe_load(handle))}


def all_statutes() -> tuple[Statute, ...]:
    """Every statute of the table, in file order."""
    return tuple(_table().values())


def statute(section: str) -> Statute:
    """The statute of that section; LookupError when the table does not have it."""
    try:
        return _table()[section]
    except KeyError:
        raise LookupError(f"{section!r} is not in the statute table") from None


def validate_section(value: str) -> None:
    """Model-field validator: the section must be one of the table's."""
    if value not in _table():
        raise ValidationError("%(value)s is not a statute in the reference table.", params={"value": value})
