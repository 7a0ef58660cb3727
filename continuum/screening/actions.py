"""Writes of the screening app: recording a screening (result, audit row, journey event)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from continuum.access import policy
from continuum.audit import log
from continuum.cases.models import CaseParticipant, ParticipantRole
from continuum.journeys.actions import journey_record
from continuum.journeys.models import EventKind
from continuum.screening import engine
from continuum.screening.models import ScreeningResult

if TYPE_CHECKING:
    from continuum.cases.models import Case
    from continuum.people.models import Person


@policy.atomic_action
def screening_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    answers: Mapping[str, Any],
    instrument_name: str = engine.DEFAULT_INSTRUMENT,
) -> ScreeningResult:
    """Evaluate `answers` with the named instrument (one of the project's, never a path) and store
    the result with one audit row and one `screened` journey event.

    ValidationError when the person is not a survivor in the case, the instrument name is not one
    of the project's instruments, or an answer is invalid (the message names the question).
    policy.Denied (a 404) unless the actor may record a screening on the case.
    """
    policy.require(actor, "screening.record", case=case)
    if not CaseParticipant.objects.filter(case=case, person=person, role=ParticipantRole.SURVIVOR).exists():
        raise ValidationError("Only a survivor in this case can be screened.", code="not_a_survivor")
    if instrument_name not in engine.instrument_names():
        raise ValidationError("There is no screening instrument of that name.", code="unknown_instrument")
    instrument = engine.load_instrument(instrument_name)
    try:
        determination = engine.evaluate(instrument, answers)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_answers") from None
    # Answer codes only: a date of birth belongs on the person's record, not in the screening.
    kept = {
        qid: value for qid, value in determination.answers.items() if instrument.question(qid).type != "date"
    }
    result = ScreeningResult.objects.create(
        case=case,
        person=person,
        instrument_name=instrument.name,
        instrument_version=instrument.version,
        result=determination.result,
        trafficking_type=determination.trafficking_type or "",
        minor=determination.minor,
        elements=determination.elements_found,
        follow_up=determination.follow_up,
        answers=kept,
        screened_by=actor,
        screened_at=timezone.now(),
    )
    log.record(
        actor=actor,
        action="create",
        obj=result,
        case_id=case.pk,
        fields=["result", "elements"],
        detail={"result": result.result, "instrument": instrument.name, "version": instrument.version},
    )
    journey_record(
        case_id=case.pk,
        kind=EventKind.SCREENED,
        actor=actor,
        person_id=person.pk,
        occurred_at=result.screened_at,
        data={"result": result.result, "type": determination.trafficking_type},
    )
    return result
