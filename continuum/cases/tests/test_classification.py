import pytest

from continuum.cases.classification import (
    AgeGroup,
    TraffickingType,
    age_group_of,
    combine_types,
    trafficking_type_of,
)


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["SexualExploitation"], TraffickingType.SEX),
        (["ForcedLabour"], TraffickingType.LABOR),
        (["ChildLabour"], TraffickingType.LABOR),
        (["ForcedBegging", "SexualExploitation"], TraffickingType.BOTH),
        (["ForcedMarriage"], TraffickingType.UNDETERMINED),
        ([], TraffickingType.UNDETERMINED),
    ],
)
def test_the_type_follows_the_htcds_types(types, expected):
    assert trafficking_type_of(types) == expected


def test_a_case_with_sex_and_labor_exploitations_is_both():
    assert combine_types([TraffickingType.SEX, TraffickingType.LABOR]) == TraffickingType.BOTH
    assert combine_types([TraffickingType.SEX, TraffickingType.UNDETERMINED]) == TraffickingType.SEX
    assert combine_types([]) == TraffickingType.UNDETERMINED


def test_a_case_is_a_child_case_when_any_survivor_was_a_minor():
    assert age_group_of([25, 16]) == AgeGroup.MINOR
    assert age_group_of([25, None]) == AgeGroup.ADULT
    assert age_group_of([None]) == AgeGroup.UNKNOWN
    assert age_group_of([18]) == AgeGroup.ADULT
