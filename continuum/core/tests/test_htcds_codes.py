"""Our HTCDS code lists match the standard's field list (when ../shared is present)."""

import csv
import re
from pathlib import Path

import pytest

from continuum.core.htcds import HTCDS_FIELD_CHOICES

STANDARD = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "htcds-2.0-field-standards.csv"


@pytest.mark.skipif(not STANDARD.exists(), reason="../shared/data is not beside this checkout")
def test_every_code_list_matches_the_standard():
    with STANDARD.open(encoding="utf-8") as handle:
        rows = {row["Field Name including Prefix"]: row for row in csv.DictReader(handle)}
    for field, choices in HTCDS_FIELD_CHOICES.items():
        values = [
            v.strip() for v in re.split(r"[;\n]", rows[field]["Value Names (if picklist)"]) if v.strip()
        ]
        assert list(choices.values) == values, field


def test_code_values_are_unique_within_each_list():
    for field, choices in HTCDS_FIELD_CHOICES.items():
        assert len(set(choices.values)) == len(choices.values), field
