"""Answers are validated, skip logic hides questions, and every question speaks Spanish."""

from __future__ import annotations

import datetime as dt

import pytest

from continuum.screening import engine
from continuum.screening.tests.answers import answers


@pytest.fixture
def default() -> engine.Instrument:
    return engine.load_instrument()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"favourite_colour": "blue"}, "'favourite_colour' is not in instrument 'default'"),
        ({"age_at_start": "fifteen"}, "'age_at_start': answer must be a number"),
        ({"age_at_start": True}, "'age_at_start': answer must be a number"),
        ({"age_at_start": 200}, "'age_at_start': answer must be at most 120"),
        ({"age_at_start": -1}, "'age_at_start': answer must be at least 0"),
        ({"sex_exchanged": "maybe"}, "'sex_exchanged': answer must be one of yes, no, unknown"),
        ({"sex_exchanged": 1}, "'sex_exchanged': answer must be one of"),
        ({"sex_arranged_by": "a_boss"}, "'sex_arranged_by': answer must be one of the options"),
        ({"sex_arranged_by": ["myself"]}, "'sex_arranged_by': answer must be one of the options"),
    ],
)
def test_it_refuses_bad_answers_naming_the_question(default, given, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        engine.evaluate(default, given)


def test_it_refuses_answers_that_are_not_a_mapping(default) -> None:
    with pytest.raises(ValueError, match="mapping"):
        engine.evaluate(default, ["yes"])  # type: ignore[arg-type]


def test_json_booleans_and_nulls_are_accepted_for_yes_no(default) -> None:
    determination = engine.evaluate(default, {"sex_exchanged": True, "work_done": False, "threatened": None})
    assert determination.answers == {"sex_exchanged": "yes", "work_done": "no"}


def test_an_answer_to_a_hidden_question_is_ignored(default) -> None:
    determination = engine.evaluate(default, answers(age_at_start=30, sex_arranged_by="someone_else"))
    assert "sex_arranged_by" in determination.skipped
    assert "sex_arranged_by" not in determination.answers
    assert "act:providing" not in determination.elements_found


def test_the_under_18_question_is_asked_only_without_an_age(default) -> None:
    with_age = engine.evaluate(default, answers(age_at_start=30, under_18_at_start="yes"))
    assert "under_18_at_start" in with_age.skipped
    assert with_age.minor is False
    without_age = engine.evaluate(default, answers(under_18_at_start="yes"))
    assert "under_18_at_start" not in without_age.skipped
    assert without_age.minor is True


def test_a_follow_up_question_waits_for_an_open_answer(default) -> None:
    # "unknown" to the question a follow-up depends on: the follow-up is not shown (yet).
    determination = engine.evaluate(default, {"sex_exchanged": "unknown", "sex_arranged_by": "myself"})
    assert "sex_arranged_by" in determination.skipped
    shown = [q.id for q in engine.visible_questions(default, {"sex_exchanged": "yes"})]
    assert "sex_arranged_by" in shown
    hidden = [q.id for q in engine.visible_questions(default, {"sex_exchanged": "no"})]
    assert "sex_arranged_by" not in hidden


def test_any_of_two_conditions_shows_a_question(default) -> None:
    for given in ({"sex_exchanged": "yes"}, {"work_done": "yes"}):
        determination = engine.evaluate(default, {**given, "money_kept_by_other": "yes"})
        assert determination.answers["money_kept_by_other"] == "yes"
    neither = engine.evaluate(
        default, {"sex_exchanged": "no", "work_done": "no", "money_kept_by_other": "yes"}
    )
    assert "money_kept_by_other" in neither.skipped


def test_every_question_and_option_has_spanish_text(default) -> None:
    assert default.languages == ("en", "es")
    assert default.title["es"]
    for question in default.questions:
        assert question.text["es"].strip(), question.id
        assert question.text["es"] != question.text["en"], question.id
        if question.help is not None:
            assert question.help["es"].strip(), question.id
        for option in question.options:
            assert option.label["es"].strip(), (question.id, option.id)


def test_the_default_instrument_covers_the_ground(default) -> None:
    assert 15 <= len(default.questions) <= 25
    evidenced = {e for q in default.questions for elements in q.evidences.values() for e in elements}
    assert {"purpose_sex", "purpose_labor", "means:debt_bondage", "means:withholding_documents"} <= evidenced
    assert {engine.element_group(e) for e in evidenced} >= {"act", "means", "risk"}
    assert any(q.age == "years" for q in default.questions)
    assert engine.VERSION_RE.match(default.version)


def test_instruments_are_listed_with_their_versions() -> None:
    infos = engine.available_instruments()
    assert [i.name for i in infos] == engine.instrument_names()
    assert any(i.name == "default" and i.version == "1.0.0" and i.languages == ("en", "es") for i in infos)


def test_an_unknown_instrument_name_is_a_clear_error() -> None:
    with pytest.raises(engine.InstrumentError, match="no instrument named 'nonesuch'"):
        engine.load_instrument("nonesuch")


def test_a_date_of_birth_tells_the_age_on_the_day_of_the_screening(tmp_path) -> None:
    import yaml

    data = minimal()
    data["questions"].insert(
        0,
        {"id": "born", "type": "date", "age": "birth_date", "text": {"en": "Born?", "es": "¿Nacimiento?"}},
    )
    path = tmp_path / "dob.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    instrument = engine.load_instrument(path)
    today = dt.date(2026, 6, 1)
    child = engine.evaluate(instrument, {"born": "2010-06-02", "sold": "yes"}, today=today)
    assert (child.minor, child.result, child.trafficking_type) == (True, "trafficking_indicated", "sex")
    adult = engine.evaluate(instrument, {"born": "2008-06-01", "sold": "yes"}, today=today)
    assert adult.minor is False
    with pytest.raises(ValueError, match="'born': the date of birth is in the future"):
        engine.evaluate(instrument, {"born": "2030-01-01"}, today=today)
    with pytest.raises(ValueError, match="'born': answer must be a date"):
        engine.evaluate(instrument, {"born": "01/02/2010"}, today=today)


# --- a malformed instrument is refused with a clear error ----------------------------------------


def minimal() -> dict:
    return {
        "name": "draft",
        "version": "0.1.0",
        "languages": ["en", "es"],
        "title": {"en": "Draft", "es": "Borrador"},
        "questions": [
            {
                "id": "sold",
                "type": "yes_no_unknown",
                "required": True,
                "text": {"en": "Exchanged?", "es": "¿Intercambio?"},
                "evidences": {"yes": ["purpose_sex"]},
            },
            {
                "id": "who",
                "type": "choice",
                "show_if": {"question": "sold", "equals": "yes"},
                "text": {"en": "Who?", "es": "¿Quién?"},
                "options": [
                    {"id": "pimp", "label": {"en": "Someone", "es": "Alguien"}},
                    {"id": "dunno", "unknown": True, "label": {"en": "Unknown", "es": "No sabe"}},
                ],
                "evidences": {"pimp": ["act:providing"]},
            },
        ],
    }


def break_unknown_element(d):
    d["questions"][0]["evidences"]["yes"] = ["purpose_fun"]


def break_unknown_means(d):
    d["questions"][1]["evidences"]["pimp"] = ["means:mind_control"]


def break_missing_translation(d):
    del d["questions"][1]["options"][0]["label"]["es"]


def break_missing_question_text(d):
    del d["questions"][0]["text"]["es"]


def break_forward_reference(d):
    d["questions"][0]["show_if"] = {"question": "who", "equals": "pimp"}


def break_unknown_reference(d):
    d["questions"][1]["show_if"] = {"question": "nobody", "equals": "yes"}


def break_condition_value(d):
    d["questions"][1]["show_if"] = {"question": "sold", "equals": "perhaps"}


def break_unknown_key(d):
    d["questions"][0]["weight"] = 3


def break_version(d):
    d["version"] = 1.0


def break_duplicate_id(d):
    d["questions"][1]["id"] = "sold"


def break_type(d):
    d["questions"][0]["type"] = "free_text"


def break_evidence_answer(d):
    d["questions"][1]["evidences"]["boss"] = ["act:providing"]


def break_undeclared_language(d):
    d["questions"][0]["text"]["fr"] = "Échange ?"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (break_unknown_element, "question 'sold': unknown element 'purpose_fun'"),
        (break_unknown_means, "question 'who': unknown element 'means:mind_control'"),
        (break_missing_translation, "question 'who': option 'pimp' label: missing translation 'es'"),
        (break_missing_question_text, "question 'sold': text: missing translation 'es'"),
        (break_forward_reference, "question 'sold': the condition refers to 'who', which is not an earlier"),
        (break_unknown_reference, "question 'who': the condition refers to 'nobody'"),
        (break_condition_value, "question 'who': condition: question 'sold': answer must be one of"),
        (break_unknown_key, "question 'sold': unknown key\\(s\\) in the question: weight"),
        (break_version, "version must be a semantic version string"),
        (break_duplicate_id, "question 'sold': the id is used twice"),
        (break_type, "question 'sold': type must be one of"),
        (
            break_evidence_answer,
            "question 'who': evidences: question 'who': answer must be one of the options",
        ),
        (break_undeclared_language, "question 'sold': text: language\\(s\\) not declared"),
    ],
)
def test_a_malformed_instrument_is_refused(tmp_path, mutate, message) -> None:
    import yaml

    data = minimal()
    engine.parse_instrument(minimal())  # the unbroken draft is fine
    mutate(data)
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(engine.InstrumentError, match=f"draft.yaml: {message}"):
        engine.load_instrument(path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: draft\nquestions: [\n  - {id: a", encoding="utf-8")
    with pytest.raises(engine.InstrumentError, match=r"broken\.yaml: not valid YAML"):
        engine.load_instrument(str(path))


def test_a_valid_draft_loads_from_a_path_and_evaluates(tmp_path) -> None:
    import yaml

    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(minimal()), encoding="utf-8")
    instrument = engine.load_instrument(str(path))
    assert (instrument.name, instrument.version) == ("draft", "0.1.0")
    # No age question and no means question: an adult's commercial sex act cannot be trafficking.
    determination = engine.evaluate(instrument, {"sold": "yes", "who": "pimp"})
    assert (determination.result, determination.follow_up) == ("not_indicated", True)
    assert "age_unknown" in determination.reasons
