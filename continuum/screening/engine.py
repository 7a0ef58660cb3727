"""Screening instruments and the determination: pure functions, no database.

An instrument is data, a YAML file in `instruments/` (its schema is documented at the top of
`instruments/default.yaml`). It is loaded strictly: an unknown key, element, language or question
reference is an `InstrumentError` naming the file and the question, never a silent default.

The determination follows the legal definition of trafficking, not a score:

- a person under 18 in a commercial sex act: sex trafficking, whatever the means (and the act is
  implied by the commercial sex act itself: someone provided, obtained or patronized the child);
- an adult in a commercial sex act: an act (recruiting, harboring, ...) AND a means (force, fraud
  or coercion) are needed too;
- labor or services, at any age: an act AND a means are needed (a minor at work without force,
  fraud or coercion is at risk, not trafficked);
- both purposes established: trafficking of both types.

When that is not met, the result is, in this order:

1. `insufficient_information` when a required question that could still supply a missing element
   is unanswered or answered "unknown", and supplying it could make trafficking indicated
   (the engine re-runs the law with every such open element assumed present);
2. `at_risk` (prevention and early intervention) when a risk indicator is present, a minor works
   without means, or a means of control (force, fraud, coercion) is present without the rest of
   the definition (for example an act and a means but no commercial sex act and no labor);
3. `not_indicated` otherwise; an adult commercial sex act without means (or without an act) is
   flagged for follow-up (`follow_up=True`).

Answers given to questions that skip logic hides are ignored (listed in `skipped`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from continuum.people.ages import AGE_OF_MAJORITY, age_on

INSTRUMENTS_DIR = Path(__file__).resolve().with_name("instruments")
DEFAULT_INSTRUMENT = "default"

# --- the legal elements an answer can evidence ---------------------------------------------------

ACTS = frozenset(
    {"recruiting", "harboring", "transporting", "providing", "obtaining", "patronizing", "soliciting"}
)
# Each means sub-code and the kind of means (force, fraud or coercion) it is.
MEANS_KINDS: Mapping[str, str] = {
    "force": "force",
    "fraud": "fraud",
    "coercion": "coercion",
    "physical_abuse": "force",
    "sexual_abuse": "force",
    "restricting_movement": "force",
    "false_promises": "fraud",
    "debt_bondage": "coercion",
    "threats": "coercion",
    "threats_law_enforcement": "coercion",
    "withholding_documents": "coercion",
    "psychological_abuse": "coercion",
    "isolation": "coercion",
    "financial_control": "coercion",
    "substance_control": "coercion",
}
RISKS = frozenset(
    {
        "runaway_homeless",
        "prior_abuse",
        "online_solicitation",
        "unsafe_work_conditions",
        "wage_theft",
        "substance_use",
        "child_welfare_involvement",
        "family_pressure",
        "immigration_insecurity",
    }
)
PURPOSE_SEX = "purpose_sex"
PURPOSE_LABOR = "purpose_labor"
AGE_UNDER_18 = "age_under_18"

ELEMENTS = frozenset(
    {PURPOSE_SEX, PURPOSE_LABOR}
    | {f"act:{code}" for code in ACTS}
    | {f"means:{code}" for code in MEANS_KINDS}
    | {f"risk:{code}" for code in RISKS}
)

# Groups of elements: what the law asks for, and what an open question could still supply.
GROUP_ACT, GROUP_MEANS, GROUP_RISK, GROUP_AGE = "act", "means", "risk", "age"


def element_group(element: str) -> str:
    return element.split(":", 1)[0]


# --- results ---------------------------------------------------------------------------------

TRAFFICKING_INDICATED = "trafficking_indicated"
AT_RISK = "at_risk"
NOT_INDICATED = "not_indicated"
INSUFFICIENT_INFORMATION = "insufficient_information"
RESULTS = (TRAFFICKING_INDICATED, AT_RISK, NOT_INDICATED, INSUFFICIENT_INFORMATION)
TRAFFICKING_TYPES = ("sex", "labor", "both")

# --- the instrument file format ----------------------------------------------------------------

ANSWER_TYPES = frozenset({"yes_no", "yes_no_unknown", "choice", "number", "date"})
YES, NO, UNKNOWN = "yes", "no", "unknown"
# How a question tells the person's age: its kind and the answer types it works with.
AGE_KINDS: Mapping[str, frozenset[str]] = {
    "years": frozenset({"number"}),
    "under_18": frozenset({"yes_no", "yes_no_unknown"}),
    "birth_date": frozenset({"date"}),
}
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
VERSION_RE = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
REQUIRED_LANGUAGE = "en"

TOP_KEYS = frozenset({"name", "version", "title", "description", "languages", "questions"})
QUESTION_KEYS = frozenset(
    {
        "id",
        "type",
        "text",
        "help",
        "options",
        "evidences",
        "show_if",
        "skip_if",
        "required",
        "age",
        "min",
        "max",
    }
)
OPTION_KEYS = frozenset({"id", "label", "unknown"})
CONDITION_OPS = frozenset({"equals", "in", "answered"})
COMBINATORS = frozenset({"any", "all", "not"})


class InstrumentError(ValueError):
    """An instrument file that cannot be used, with where and why."""


@dataclass(frozen=True)
class Option:
    id: str
    label: Mapping[str, str]
    unknown: bool = False


@dataclass(frozen=True)
class Condition:
    """`{question: q, equals: v}`, `{question: q, in: [...]}`, `{question: q, answered: bool}`,
    `{any: [...]}`, `{all: [...]}` or `{not: {...}}`."""

    op: str
    question: str = ""
    values: tuple[Any, ...] = ()
    children: tuple[Condition, ...] = ()

    def references(self) -> set[str]:
        refs = {self.question} if self.question else set()
        for child in self.children:
            refs |= child.references()
        return refs


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: Mapping[str, str]
    help: Mapping[str, str] | None = None
    options: tuple[Option, ...] = ()
    evidences: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    show_if: Condition | None = None
    skip_if: Condition | None = None
    required: bool = False
    age: str | None = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def groups(self) -> frozenset[str]:
        """The element groups an answer to this question can evidence (and "age")."""
        found = {element_group(e) for elements in self.evidences.values() for e in elements}
        if self.age is not None:
            found.add(GROUP_AGE)
        return frozenset(found)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def is_unknown(self, value: Any) -> bool:
        """Whether a (clean) answer says "I don't know" / "prefers not to say"."""
        if self.type == "yes_no_unknown":
            return bool(value == UNKNOWN)
        if self.type == "choice":
            option = self.option(value) if isinstance(value, str) else None
            return option is not None and option.unknown
        return False


@dataclass(frozen=True)
class Instrument:
    name: str
    version: str
    title: Mapping[str, str]
    languages: tuple[str, ...]
    questions: tuple[Question, ...]
    description: Mapping[str, str] | None = None
    source: str = ""

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


@dataclass(frozen=True)
class InstrumentInfo:
    name: str
    version: str
    title: str
    languages: tuple[str, ...]
    questions: int


@dataclass(frozen=True)
class Determination:
    result: str
    trafficking_type: str | None
    minor: bool | None
    elements_found: list[str]
    follow_up: bool
    reasons: list[str]
    instrument_name: str
    instrument_version: str
    # The answers that counted (validated, normalised, visible) and the questions skip logic hid.
    answers: dict[str, Any]
    skipped: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "trafficking_type": self.trafficking_type,
            "minor": self.minor,
            "elements_found": list(self.elements_found),
            "follow_up": self.follow_up,
            "reasons": list(self.reasons),
            "instrument_name": self.instrument_name,
            "instrument_version": self.instrument_version,
            "answers": dict(self.answers),
            "skipped": list(self.skipped),
        }


# --- answers: one validation for answers and for the values instruments compare with ----------


def clean_value(question: Question, value: Any) -> Any:
    """The normalised answer to `question`, or ValueError naming the question."""
    where = f"question {question.id!r}"
    if question.type in ("yes_no", "yes_no_unknown"):
        allowed = (YES, NO, UNKNOWN) if question.type == "yes_no_unknown" else (YES, NO)
        if isinstance(value, bool):  # JSON true/false, and YAML's bare yes/no
            return YES if value else NO
        if isinstance(value, str) and value in allowed:
            return value
        raise ValueError(f"{where}: answer must be one of {', '.join(allowed)}, not {value!r}")
    if question.type == "choice":
        if isinstance(value, str) and question.option(value) is not None:
            return value
        options = ", ".join(o.id for o in question.options)
        raise ValueError(f"{where}: answer must be one of the options {options}, not {value!r}")
    if question.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{where}: answer must be a number, not {value!r}")
        if question.minimum is not None and value < question.minimum:
            raise ValueError(f"{where}: answer must be at least {question.minimum:g}, not {value!r}")
        if question.maximum is not None and value > question.maximum:
            raise ValueError(f"{where}: answer must be at most {question.maximum:g}, not {value!r}")
        return value
    if question.type == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise ValueError(f"{where}: answer must be a date written YYYY-MM-DD, not {value!r}")
    raise ValueError(f"{where}: unknown answer type {question.type!r}")  # pragma: no cover


def clean_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Every given answer validated and normalised (a null answer is no answer). ValueError names
    the first question that is wrong: an unknown id, a wrong type, a value outside the options."""
    if not isinstance(answers, Mapping):
        raise ValueError("answers must be a mapping of question ids to answers")
    known = {q.id: q for q in instrument.questions}
    cleaned: dict[str, Any] = {}
    for question_id, value in answers.items():
        question = known.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise ValueError(
                f"question {question_id!r} is not in instrument {instrument.name!r} {instrument.version}"
            )
        if value is None:
            continue
        cleaned[question_id] = clean_value(question, value)
    return cleaned


# --- skip logic: three-valued (True, False, None = cannot tell yet) ----------------------------


def _condition_holds(
    condition: Condition,
    instrument: Instrument,
    counted: Mapping[str, Any],
    visible: Mapping[str, bool | None],
) -> bool | None:
    if condition.op == "not":
        inner = _condition_holds(condition.children[0], instrument, counted, visible)
        return None if inner is None else not inner
    if condition.op in ("any", "all"):
        results = [_condition_holds(c, instrument, counted, visible) for c in condition.children]
        decisive = condition.op == "any"  # any: one True decides; all: one False decides
        if decisive in results:
            return decisive
        if None in results:
            return None
        return not decisive
    ref = instrument.question(condition.question)
    shown = visible[ref.id]
    if shown is False:
        return False
    value = counted.get(ref.id)
    real = value is not None and not ref.is_unknown(value)
    if condition.op == "answered":
        if shown is None and not real:
            return None
        return bool(real == condition.values[0])
    if not real:  # equals / in, and the question is open: cannot tell yet
        return None
    return value in condition.values


def visibility(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, bool | None]:
    """For each question: shown (True), hidden (False) or not known until an open answer is given
    (None). `answers` must be clean; an answer to a question that is not shown does not count."""
    visible: dict[str, bool | None] = {}
    counted: dict[str, Any] = {}
    for question in instrument.questions:
        shown: bool | None = True
        if question.show_if is not None:
            shown = _condition_holds(question.show_if, instrument, counted, visible)
        if question.skip_if is not None and shown is not False:
            skip = _condition_holds(question.skip_if, instrument, counted, visible)
            if skip is True:
                shown = False
            elif skip is None:
                shown = None
        visible[question.id] = shown
        if shown is True and question.id in answers:
            counted[question.id] = answers[question.id]
    return visible


def visible_questions(instrument: Instrument, answers: Mapping[str, Any]) -> list[Question]:
    """The questions to show given the answers so far (for a form that reveals questions as it goes)."""
    shown = visibility(instrument, clean_answers(instrument, answers))
    return [q for q in instrument.questions if shown[q.id] is not False]


# --- the determination -------------------------------------------------------------------------


def _minor_from(question: Question, value: Any, today: dt.date) -> bool | None:
    if question.age == "years":
        return bool(value < AGE_OF_MAJORITY)
    if question.age == "under_18":
        return {YES: True, NO: False}.get(value)
    if question.age == "birth_date":
        born = dt.date.fromisoformat(value)
        if born > today:
            raise ValueError(f"question {question.id!r}: the date of birth is in the future")
        return age_on(born, today) < AGE_OF_MAJORITY
    return None


@dataclass
class _Law:
    """The elements present, and what the law makes of them."""

    act: bool
    means: bool
    purpose_sex: bool
    purpose_labor: bool
    minor: bool | None

    @property
    def sex(self) -> bool:
        return self.purpose_sex and (self.minor is True or (self.act and self.means))

    @property
    def labor(self) -> bool:
        return self.purpose_labor and self.act and self.means


def evaluate(
    instrument: Instrument, answers: Mapping[str, Any], *, today: dt.date | None = None
) -> Determination:
    """The determination for one set of answers (question id -> answer). `today` is the day a
    date of birth is measured against (default: today)."""
    today = today or dt.date.today()
    given = clean_answers(instrument, answers)
    visible = visibility(instrument, given)
    counted = {q.id: given[q.id] for q in instrument.questions if visible[q.id] is True and q.id in given}
    skipped = [q.id for q in instrument.questions if visible[q.id] is not True]

    elements: set[str] = set()
    minor_flags: list[bool] = []
    for question in instrument.questions:
        if question.id not in counted or question.is_unknown(counted[question.id]):
            continue
        value = counted[question.id]
        key = value if isinstance(value, str) else None
        if key is not None:
            elements.update(question.evidences.get(key, ()))
        flag = _minor_from(question, value, today)
        if flag is not None:
            minor_flags.append(flag)
    # Under 18 by any answer is decisive: a child at any time of the exploitation is a child victim.
    minor: bool | None = True if True in minor_flags else (False if minor_flags else None)

    groups = {element_group(e) for e in elements}
    law = _Law(
        act=GROUP_ACT in groups,
        means=GROUP_MEANS in groups,
        purpose_sex=PURPOSE_SEX in elements,
        purpose_labor=PURPOSE_LABOR in elements,
        minor=minor,
    )
    found = set(elements)
    found.update(f"means:{MEANS_KINDS[e.split(':', 1)[1]]}" for e in elements if e.startswith("means:"))
    if minor:
        found.add(AGE_UNDER_18)
    risks = GROUP_RISK in groups

    reasons: list[str] = []
    follow_up = False
    trafficking_type: str | None = None

    if law.sex or law.labor:
        result = TRAFFICKING_INDICATED
        trafficking_type = "both" if law.sex and law.labor else ("sex" if law.sex else "labor")
        if law.sex:
            reasons.append(
                "minor_commercial_sex"
                if minor and not (law.act and law.means)
                else "act_means_commercial_sex"
            )
        if law.labor:
            reasons.append("act_means_labor")
        if law.purpose_sex and not law.sex:
            reasons.append("commercial_sex_without_means" if not law.means else "commercial_sex_without_act")
            follow_up = True
        if law.purpose_labor and not law.labor:
            reasons.append("labor_without_means" if not law.means else "labor_without_act")
            follow_up = True
    else:
        # Which elements could still be supplied by a required question left open?
        open_groups: set[str] = set()
        open_questions: list[str] = []
        for question in instrument.questions:
            if not question.required or visible[question.id] is False:
                continue
            if question.id in counted and not question.is_unknown(counted[question.id]):
                continue
            needed = {
                g
                for g in question.groups
                if (g == GROUP_AGE and minor is None) or (g != GROUP_AGE and not _group_found(g, elements))
            }
            needed.discard(GROUP_RISK)
            if needed:
                open_groups |= needed
                open_questions.append(question.id)
        hopeful = _Law(
            act=law.act or GROUP_ACT in open_groups,
            means=law.means or GROUP_MEANS in open_groups,
            purpose_sex=law.purpose_sex or PURPOSE_SEX in open_groups,
            purpose_labor=law.purpose_labor or PURPOSE_LABOR in open_groups,
            minor=True if minor is None and GROUP_AGE in open_groups else minor,
        )
        if hopeful.sex or hopeful.labor:
            result = INSUFFICIENT_INFORMATION
            follow_up = True
            reasons.extend(f"missing:{qid}" for qid in open_questions)
        else:
            at_risk = False
            if law.purpose_sex:
                reasons.append(
                    "commercial_sex_without_means" if not law.means else "commercial_sex_without_act"
                )
                follow_up = True
                at_risk = at_risk or law.means
            if law.purpose_labor:
                if not law.means:
                    reasons.append("minor_labor_without_means" if minor else "labor_without_means")
                    at_risk = at_risk or bool(minor)
                else:
                    reasons.append("labor_without_act")
                    at_risk = True
            if law.means and not (law.purpose_sex or law.purpose_labor):
                reasons.append("act_means_without_purpose" if law.act else "means_without_purpose")
                at_risk = True
            if risks:
                reasons.append("risk_indicators")
                at_risk = True
            if at_risk:
                result = AT_RISK
                follow_up = True
            else:
                result = NOT_INDICATED
                if not reasons:
                    reasons.append("no_elements_found")
    if minor is None and result != INSUFFICIENT_INFORMATION:
        reasons.append("age_unknown")

    return Determination(
        result=result,
        trafficking_type=trafficking_type,
        minor=minor,
        elements_found=sorted(found),
        follow_up=follow_up,
        reasons=reasons,
        instrument_name=instrument.name,
        instrument_version=instrument.version,
        answers=counted,
        skipped=skipped,
    )


def _group_found(group: str, elements: Iterable[str]) -> bool:
    return any(element_group(e) == group for e in elements)


# --- loading -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.languages: tuple[str, ...] = ()

    def fail(self, message: str, question: str | None = None) -> InstrumentError:
        where = f"{self.source}: question {question!r}" if question else self.source
        return InstrumentError(f"{where}: {message}")

    def keys(self, data: Any, allowed: frozenset[str], what: str, question: str | None = None) -> None:
        if not isinstance(data, Mapping):
            raise self.fail(f"{what} must be a mapping", question)
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise self.fail(f"unknown key(s) in {what}: {', '.join(unknown)}", question)

    def texts(self, data: Any, what: str, question: str | None = None) -> dict[str, str]:
        if not isinstance(data, Mapping):
            raise self.fail(f"{what} must be a mapping of language to text", question)
        for language in self.languages:
            value = data.get(language)
            if value is None:
                raise self.fail(f"{what}: missing translation {language!r}", question)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{what}: the {language!r} text must be a non-empty string", question)
        extra = sorted(str(k) for k in data if k not in self.languages)
        if extra:
            raise self.fail(f"{what}: language(s) not declared in `languages`: {', '.join(extra)}", question)
        return {language: " ".join(str(data[language]).split()) for language in self.languages}

    def instrument(self, data: Any) -> Instrument:
        self.keys(data, TOP_KEYS, "the instrument")
        for key in ("name", "version", "title", "languages", "questions"):
            if key not in data:
                raise self.fail(f"missing {key!r}")
        name, version = data["name"], data["version"]
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise self.fail("name must be lowercase letters, digits, '-' or '_' (at most 40)")
        if not isinstance(version, str) or not VERSION_RE.match(version):
            raise self.fail(f'version must be a semantic version string such as "1.0.0", not {version!r}')
        languages = data["languages"]
        if (
            not isinstance(languages, list)
            or not all(isinstance(lang, str) and LANGUAGE_RE.match(lang) for lang in languages)
            or len(set(languages)) != len(languages)
        ):
            raise self.fail("languages must be a list of distinct language codes such as [en, es]")
        if REQUIRED_LANGUAGE not in languages:
            raise self.fail(f"languages must include {REQUIRED_LANGUAGE!r}")
        self.languages = tuple(languages)
        title = self.texts(data["title"], "title")
        description = self.texts(data["description"], "description") if "description" in data else None
        raw_questions = data["questions"]
        if not isinstance(raw_questions, list) or not raw_questions:
            raise self.fail("questions must be a non-empty list")
        questions: list[Question] = []
        for index, raw in enumerate(raw_questions, start=1):
            questions.append(self.question(raw, index, {q.id: q for q in questions}))
        return Instrument(
            name=name,
            version=version,
            title=title,
            description=description,
            languages=self.languages,
            questions=tuple(questions),
            source=self.source,
        )

    def question(self, raw: Any, index: int, earlier: Mapping[str, Question]) -> Question:
        qid = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(qid, str) or not ID_RE.match(qid):
            raise self.fail(f"question number {index} needs an id of lowercase letters, digits and '_'")
        if qid in earlier:
            raise self.fail("the id is used twice", qid)
        self.keys(raw, QUESTION_KEYS, "the question", qid)
        qtype = raw.get("type")
        if qtype not in ANSWER_TYPES:
            raise self.fail(f"type must be one of {', '.join(sorted(ANSWER_TYPES))}, not {qtype!r}", qid)
        text = self.texts(raw.get("text"), "text", qid)
        help_text = self.texts(raw["help"], "help", qid) if "help" in raw else None
        options = self.options(raw.get("options"), qtype, qid)
        required = raw.get("required", False)
        if not isinstance(required, bool):
            raise self.fail("required must be true or false", qid)
        age = raw.get("age")
        if age is not None and (age not in AGE_KINDS or qtype not in AGE_KINDS[age]):
            kinds = "; ".join(f"{k} ({', '.join(sorted(v))})" for k, v in AGE_KINDS.items())
            raise self.fail(f"age must be one of {kinds} for its answer type, not {age!r}", qid)
        bounds: dict[str, float | None] = {}
        for key in ("min", "max"):
            bound = raw.get(key)
            if bound is not None and (
                qtype != "number" or isinstance(bound, bool) or not isinstance(bound, int | float)
            ):
                raise self.fail(f"{key} must be a number, and only on number questions", qid)
            bounds[key] = bound
        question = Question(
            id=qid,
            type=qtype,
            text=text,
            help=help_text,
            options=options,
            required=required,
            age=age,
            minimum=bounds["min"],
            maximum=bounds["max"],
        )
        evidences = self.evidences(raw.get("evidences"), question)
        show_if = self.condition(raw["show_if"], earlier, qid) if "show_if" in raw else None
        skip_if = self.condition(raw["skip_if"], earlier, qid) if "skip_if" in raw else None
        question = Question(
            id=qid,
            type=qtype,
            text=text,
            help=help_text,
            options=options,
            evidences=evidences,
            show_if=show_if,
            skip_if=skip_if,
            required=required,
            age=age,
            minimum=bounds["min"],
            maximum=bounds["max"],
        )
        if required and not question.groups:
            raise self.fail("a required question must evidence an element or tell the age", qid)
        return question

    def options(self, raw: Any, qtype: str, qid: str) -> tuple[Option, ...]:
        if qtype != "choice":
            if raw is not None:
                raise self.fail("only choice questions have options", qid)
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail("a choice question needs a list of at least two options", qid)
        options: list[Option] = []
        for item in raw:
            self.keys(item, OPTION_KEYS, "an option", qid)
            oid = item.get("id")
            if not isinstance(oid, str) or not ID_RE.match(oid):
                raise self.fail(
                    f"option id {oid!r} must be lowercase letters, digits and '_' (quote yes/no/on/off)", qid
                )
            if any(o.id == oid for o in options):
                raise self.fail(f"option {oid!r} is listed twice", qid)
            unknown = item.get("unknown", False)
            if not isinstance(unknown, bool):
                raise self.fail(f"option {oid!r}: unknown must be true or false", qid)
            options.append(
                Option(
                    id=oid, label=self.texts(item.get("label"), f"option {oid!r} label", qid), unknown=unknown
                )
            )
        return tuple(options)

    def evidences(self, raw: Any, question: Question) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise self.fail("evidences must map an answer to a list of elements", question.id)
        if question.type in ("number", "date"):
            raise self.fail(
                "number and date answers evidence no element (use `age` for the age)", question.id
            )
        evidences: dict[str, tuple[str, ...]] = {}
        for answer, elements in raw.items():
            try:
                key = clean_value(question, answer)
            except ValueError as exc:
                raise self.fail(f"evidences: {exc}", question.id) from None
            if question.is_unknown(key):
                raise self.fail(f"evidences: an 'unknown' answer ({key!r}) evidences nothing", question.id)
            if isinstance(elements, str):
                elements = [elements]
            if not isinstance(elements, list) or not elements:
                raise self.fail(f"evidences for {key!r} must be a list of elements", question.id)
            for element in elements:
                if element not in ELEMENTS:
                    raise self.fail(
                        f"unknown element {element!r} (see the list in default.yaml)", question.id
                    )
            evidences[key] = tuple(dict.fromkeys(elements))
        return evidences

    def condition(self, raw: Any, earlier: Mapping[str, Question], qid: str) -> Condition:
        if not isinstance(raw, Mapping) or not raw:
            raise self.fail("a condition must be a mapping", qid)
        combinators = COMBINATORS & set(raw)
        if combinators:
            if len(raw) != 1:
                raise self.fail("any / all / not must stand alone in their condition", qid)
            op = next(iter(combinators))
            value = raw[op]
            if op == "not":
                return Condition(op="not", children=(self.condition(value, earlier, qid),))
            if not isinstance(value, list) or not value:
                raise self.fail(f"{op} needs a non-empty list of conditions", qid)
            return Condition(op=op, children=tuple(self.condition(c, earlier, qid) for c in value))
        self.keys(raw, CONDITION_OPS | {"question"}, "a condition", qid)
        ref = raw.get("question")
        if not isinstance(ref, str) or ref not in earlier:
            raise self.fail(f"the condition refers to {ref!r}, which is not an earlier question", qid)
        ops = CONDITION_OPS & set(raw)
        if len(ops) != 1:
            raise self.fail("a condition needs exactly one of equals, in, answered", qid)
        op = next(iter(ops))
        target = earlier[ref]
        if op == "answered":
            if not isinstance(raw[op], bool):
                raise self.fail("answered must be true or false", qid)
            return Condition(op=op, question=ref, values=(raw[op],))
        values = raw[op] if op == "in" else [raw[op]]
        if not isinstance(values, list) or not values:
            raise self.fail("`in` needs a non-empty list of answers", qid)
        try:
            cleaned = tuple(clean_value(target, v) for v in values)
        except ValueError as exc:
            raise self.fail(f"condition: {exc}", qid) from None
        return Condition(op="in", question=ref, values=cleaned)


def parse_instrument(data: Any, *, source: str = "<instrument>") -> Instrument:
    """An Instrument from already-parsed YAML data, or InstrumentError."""
    return _Parser(source).instrument(data)


@functools.lru_cache(maxsize=32)
def _load_file(path: Path, mtime_ns: int) -> Instrument:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InstrumentError(f"{path.name}: not valid YAML: {exc}") from None
    except UnicodeDecodeError:
        raise InstrumentError(f"{path.name}: not UTF-8 text") from None
    return parse_instrument(data, source=path.name)


def _instrument_path(name: str | Path) -> tuple[Path, bool]:
    """(the file, whether it is one of the project's instruments)."""
    if isinstance(name, Path) or "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
        return Path(name), False
    if not NAME_RE.match(name):
        raise InstrumentError(f"{name!r} is not an instrument name")
    return INSTRUMENTS_DIR / f"{name}.yaml", True


def load_instrument(name: str | Path = DEFAULT_INSTRUMENT) -> Instrument:
    """The instrument called `name` in continuum/screening/instruments/, or the YAML file at a path
    (a Path, or a string with a '/' or ending in .yaml) for authors testing a draft."""
    path, ours = _instrument_path(name)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        if ours:
            names = ", ".join(instrument_names())
            raise InstrumentError(f"no instrument named {name!r} (available: {names})") from None
        raise InstrumentError(f"{path}: cannot read the instrument file") from None
    instrument = _load_file(path, mtime)
    if ours and instrument.name != name:
        raise InstrumentError(f"{path.name}: the file's name is {instrument.name!r}; it must be {name!r}")
    return instrument


def instrument_names() -> list[str]:
    return sorted(p.stem for p in INSTRUMENTS_DIR.glob("*.yaml"))


def available_instruments() -> list[InstrumentInfo]:
    """The project's instruments, by name (a broken file raises InstrumentError)."""
    infos = []
    for name in instrument_names():
        instrument = load_instrument(name)
        infos.append(
            InstrumentInfo(
                name=instrument.name,
                version=instrument.version,
                title=instrument.title[REQUIRED_LANGUAGE],
                languages=instrument.languages,
                questions=len(instrument.questions),
            )
        )
    return infos
