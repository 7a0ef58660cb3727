"""The statute table is data, validated strictly; a charge's class is read from it."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError

from continuum.justice import statutes
from continuum.justice.statutes import OffenseLevel, StatuteKind, parse_statutes, statute

GOOD = {
    "version": 1,
    "statutes": [
        {"section": "53a-192a", "title": "Trafficking in persons", "level": "felony_b", "kind": "both"},
        {"section": "53a-192", "title": "Coercion", "level": "misdemeanor_a", "kind": "related"},
    ],
}


def variant(**changes: object) -> dict[str, object]:
    data = copy.deepcopy(GOOD)
    data["statutes"][0].update(changes)  # type: ignore[index]
    return data


def test_the_shipped_table_loads_and_has_the_core_sections() -> None:
    sections = {s.section for s in statutes.all_statutes()}
    assert {"53a-192a", "53a-86", "53a-87", "53a-196a", "53a-192", "53a-83"} <= sections
    assert len(sections) == len(statutes.all_statutes())


def test_the_shipped_file_warns_that_counsel_must_check_it() -> None:
    text = statutes.STATUTES_FILE.read_text(encoding="utf-8")
    assert "checked against the current General Statutes" in text
    assert "http" not in text


def test_trafficking_in_persons_is_a_class_b_felony_of_both_kinds() -> None:
    found = statute("53a-192a")
    assert (found.level, found.felony_class, found.kind) == (OffenseLevel.FELONY_B, "B", StatuteKind.BOTH)
    assert found.is_felony


def test_a_misdemeanor_has_no_felony_class() -> None:
    assert statute("53a-192").felony_class is None


def test_an_unknown_section_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        statute("53a-999")
    with pytest.raises(ValidationError):
        statutes.validate_section("53a-999")


def test_a_good_table_parses() -> None:
    assert [s.section for s in parse_statutes(GOOD)] == ["53a-192a", "53a-192"]


@pytest.mark.parametrize(
    "data",
    [
        variant(level="felony_z"),
        variant(level="class_b"),
        variant(kind="drugs"),
        variant(section="53a 192a"),
        variant(title=""),
        variant(verify="yes"),
        variant(citation="made up"),
        {"version": 2, "statutes": GOOD["statutes"]},
        {"version": 1, "statutes": []},
        {"version": 1},
        [],
    ],
    ids=[
        "bad-class",
        "bad-level-name",
        "bad-kind",
        "bad-section",
        "no-title",
        "verify-not-bool",
        "unknown-key",
        "bad-version",
        "empty",
        "no-list",
        "not-a-mapping",
    ],
)
def test_a_bad_table_is_refused(data: object) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_statutes(data)


def test_a_duplicate_section_is_refused() -> None:
    data = copy.deepcopy(GOOD)
    data["statutes"].append(dict(data["statutes"][0], title="Again"))  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="listed twice"):
        parse_statutes(data)


def test_a_missing_level_is_refused() -> None:
    data = copy.deepcopy(GOOD)
    del data["statutes"][0]["level"]  # type: ignore[index]
    with pytest.raises(ImproperlyConfigured):
        parse_statutes(data)


def test_the_yaml_round_trips_through_the_parser() -> None:
    loaded = yaml.safe_load(statutes.STATUTES_FILE.read_text(encoding="utf-8"))
    assert parse_statutes(loaded) == statutes.all_statutes()
