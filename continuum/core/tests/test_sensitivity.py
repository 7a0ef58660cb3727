from continuum.cases.models import Case, Exploitation
from continuum.core.checks import every_field_has_a_category
from continuum.core.sensitivity import (
    InfoCategory,
    Sensitivity,
    SystemCategory,
    category_of,
    fields_up_to,
    level_of_category,
    sensitivity_of,
)
from continuum.intake.models import Tip
from continuum.org.models import Region
from continuum.people.models import Person


def test_every_model_field_has_a_declared_category():
    assert every_field_has_a_category() == []


def test_the_check_names_a_field_without_a_category(monkeypatch):
    reduced = {k: v for k, v in Case.FIELD_CATEGORIES.items() if k != "status"}
    monkeypatch.setattr(Case, "FIELD_CATEGORIES", reduced)
    errors = every_field_has_a_category()
    assert [e.id for e in errors] == ["continuum.E001"]
    assert "cases.Case.status" in errors[0].msg


def test_the_check_names_a_declared_field_that_does_not_exist(monkeypatch):
    monkeypatch.setattr(Case, "FIELD_CATEGORIES", {**Case.FIELD_CATEGORIES, "ghost": InfoCategory.CASE_FACTS})
    assert [e.id for e in every_field_has_a_category()] == ["continuum.E002"]


def test_the_check_names_a_category_that_does_not_exist(monkeypatch):
    monkeypatch.setattr(Case, "FIELD_CATEGORIES", {**Case.FIELD_CATEGORIES, "status": "gossip"})
    errors = every_field_has_a_category()
    assert [e.id for e in errors] == ["continuum.E003"]
    assert "cases.Case.status" in errors[0].msg


def test_the_check_names_a_referral_view_field_that_does_not_exist(monkeypatch):
    monkeypatch.setattr(Case, "REFERRAL_VIEW", frozenset({"reference", "ghost"}))
    assert [e.id for e in every_field_has_a_category()] == ["continuum.E004"]


def test_names_and_contact_details_are_identifying():
    for name in ("first_name", "last_name", "birth_date", "mobile_phone", "mailing_street", "email"):
        assert sensitivity_of(Person, name) == Sensitivity.IDENTIFYING


def test_the_fields_the_two_old_lists_disagreed_on_take_the_stricter_reading():
    for name in ("citizenship", "marital_status", "number_of_children", "highest_education"):
        assert category_of(Person, name) == InfoCategory.IDENTITY
    assert category_of(Person, "mailing_country") == InfoCategory.CONTACT
    for name in ("citizenship", "marital_status", "mailing_country"):
        assert sensitivity_of(Person, name) == Sensitivity.IDENTIFYING
    # A category has one level: the strictest any of its fields had (free text about what
    # happened was privileged; where a survivor is now is the most dangerous field).
    assert (
        sensitivity_of(Exploitation, "types")
        == sensitivity_of(Tip, "what_happened")
        == Sensitivity.PRIVILEGED
    )
    assert (
        sensitivity_of(Tip, "where") == sensitivity_of(Person, "current_location") == Sensitivity.PRIVILEGED
    )
    assert sensitivity_of(Region, "name") == Sensitivity.PUBLIC
    assert sensitivity_of(Region, "created_at") == Sensitivity.CASE_FACT


def test_fields_up_to_a_level_leave_out_identifying_ones():
    facts = fields_up_to(Person, Sensitivity.CASE_FACT)
    assert "gender" in facts
    assert "first_name" not in facts and "birth_date" not in facts and "citizenship" not in facts


def test_every_category_has_a_level_and_an_unknown_one_is_the_most_protected():
    for category in [*InfoCategory, *SystemCategory]:
        assert isinstance(level_of_category(category), Sensitivity)
    assert level_of_category(SystemCategory.REFERENCE) == Sensitivity.PUBLIC
    assert level_of_category(SystemCategory.CREDENTIAL) == Sensitivity.PRIVILEGED
    assert level_of_category("gossip") == Sensitivity.PRIVILEGED
