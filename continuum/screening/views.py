"""The screening page of a case: the instrument's questions, then the determination and routing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from continuum.access import policy
from continuum.access.decorators import staff_required
from continuum.cases import actions as case_actions
from continuum.cases.selectors import survivors_of, survivors_shown
from continuum.intake.routing import route_case
from continuum.org.models import User
from continuum.screening import engine
from continuum.screening.actions import screening_record


def answers_from(instrument: engine.Instrument, data: QueryDict) -> dict[str, Any]:
    """The posted answers, typed as the engine takes them (an empty field is no answer)."""
    answers: dict[str, Any] = {}
    for question in instrument.questions:
        raw = data.get(question.id, "").strip()
        if not raw:
            continue
        if question.type == "number":
            try:
                answers[question.id] = float(raw) if "." in raw else int(raw)
            except ValueError:
                answers[question.id] = raw  # the engine names the question in its message
        else:
            answers[question.id] = raw
    return answers


@require_http_methods(["GET", "POST"])
@staff_required
def screen_view(request: HttpRequest, case_id: str) -> HttpResponse:
    access = policy.access_case(request.user, case_id, "screen")
    instrument = engine.load_instrument()
    language = translation.get_language() or "en"
    language = language if language in instrument.languages else "en"
    survivors = survivors_of(access)
    error = ""
    posted: dict[str, Any] = {}
    if request.method == "POST":
        posted = answers_from(instrument, request.POST)
        survivor = next((s for s in survivors if str(s.pk) == request.POST.get("person")), None)
        assert isinstance(request.user, User)
        if survivor is None:
            error = _("Choose the survivor who was screened.")
        else:
            try:
                with transaction.atomic():
                    result = screening_record(
                        actor=request.user, case=access.case, person=survivor, answers=posted
                    )
                    age = posted.get("age_at_start")
                    case_actions.case_classify_from_screening(
                        actor=request.user,
                        case=access.case,
                        person=survivor,
                        trafficking_type=result.trafficking_type or None,
                        minor=result.minor,
                        elements=result.elements,
                        stated_age=int(age) if isinstance(age, int | float) else None,
                    )
                    route_case(
                        actor=request.user,
                        case=access.case,
                        minor=result.minor,
                        result=result.result,
                        trafficking_type=result.trafficking_type or None,
                    )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, _("Screening recorded: %(result)s.") % {"result": result.get_result_display()}
                )
                return redirect("cases:detail", case_id=access.case.pk)
    questions = [
        {
            "id": q.id,
            "type": q.type,
            "text": q.text.get(language) or q.text["en"],
            "help": (q.help or {}).get(language, ""),
            "options": [(o.id, o.label.get(language) or o.label["en"]) for o in q.options],
            "value": posted.get(q.id, ""),
        }
        for q in instrument.questions
    ]
    return render(
        request,
        "screening/screen.html",
        {
            "case": access.case,
            "instrument": instrument,
            "questions": questions,
            "survivors": survivors_shown(access),
            "error": error,
            "yes_no": [(engine.YES, _("Yes")), (engine.NO, _("No"))],
            "unknown": (engine.UNKNOWN, _("Does not know / prefers not to say")),
        },
        status=400 if request.method == "POST" else 200,
    )
