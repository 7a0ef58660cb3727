"""No view, API module or export reaches a protected model's manager directly: they go through
the policy (restrict / access_case) or a selector that takes the policy's decision."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTECTED = {
    "Case",
    "Person",
    "CaseParticipant",
    "Exploitation",
    "TraffickingLocation",
    "JourneyEvent",
    "CaseNote",
    "Consent",
    "CaseTeamMember",
    "MandatedReport",
    "CourtOrder",
    "Task",
    "SurvivorAccount",
    "Referral",
    "Tip",
    "TipAddition",
    "ScreeningResult",
    "ApiToken",
    "ServiceReferral",
    "UnmetNeed",
    "ProviderService",
    "ReferralReminder",
    "Investigation",
    "Arrest",
    "Charge",
    "Prosecution",
    "Disposition",
    "SupportPlan",
    "PlanGoal",
    "FollowUpContact",
    "MdtMeeting",
    "MdtAgendaItem",
    "MdtAttendance",
    "MdtMinute",
}
DOORS = ("views.py", "api.py", "exports.py", "auth_views.py", "triage.py")


def _doors():
    return sorted(p for name in DOORS for p in ROOT.glob(f"*/{name}"))


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager", "_base_manager"}:
            target = node.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in PROTECTED:
                found.append(f"{name}.{node.attr} (line {node.lineno})")
    return found


def test_the_doors_exist():
    assert any(p.name == "views.py" for p in _doors())


@pytest.mark.parametrize("path", _doors(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_door_reaches_a_protected_manager(path):
    assert offences(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_a_direct_read():
    assert offences("from x import Case\nCase.objects.get(pk=1)\n") == ["Case.objects (line 2)"]
    assert offences("Person._default_manager.all()\n") == ["Person._default_manager (line 1)"]
