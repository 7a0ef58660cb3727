from continuum.cases.models import Case
from continuum.core.checks import every_field_has_a_sensitivity
from continuum.core.sensitivity import Sensitivity, fields_up_to, sensitivity_of
from continuum.people.models import Person


def test_every_model_field_has_a_declared_sensitivity():
    assert every_field_has_a_sensitivity() == []


def test_the_check_names_a_field_without_a_sensitivity(monkeypatch):
    reduced = {k: v for k, v in Case.SENSITIVITY.items() if k != "status"}
    monkeypatch.setattr(Case, "SENSITIVITY", reduced)
    errors = every_field_has_a_sensitivity()
    assert [e.id for e in errors] == ["continuum.E001"]
    assert "cases.Case.status" in errors[0].msg


def test_the_check_names_a_declared_field_that_does_not_exist(monkeypatch):
    monkeypatch.setattr(Case, "SENSITIVITY", {**Case.SENSITIVITY, "ghost": Sensitivity.PUBLIC})
    assert [e.id for e in every_field_has_a_sensitivity()] == ["continuum.E002"]


def test_names_and_contact_details_are_identifying():
    for name in ("first_name", "last_name", "birth_date", "mobile_phone", "mailing_street", "email"):
        assert sensitivity_of(Person, name) == Sensitivity.IDENTIFYING


def test_fields_up_to_a_level_leave_out_identifying_ones():
    facts = fields_up_to(Person, Sensitivity.CASE_FACT)
    assert "gender" in facts
    assert "first_name" not in facts and "birth_date" not in facts
