import pytest

from continuum.access import grants
from continuum.cases.models import Case
from continuum.coordination.models import CaseTeamMember


@pytest.fixture
def team_case(persona):
    """An active adult or child case of Greater Hartford with the advocate and the detective on its team."""
    advocate, detective = persona("advocate"), persona("detective")
    case = (
        Case.objects.filter(team__user=advocate, team__removed_at=None, status="Active")
        .order_by("reference")
        .first()
    )
    member, _ = CaseTeamMember.objects.get_or_create(
        case=case, user=detective, agency=detective.membership.agency, defaults={"team_role": "investigator"}
    )
    grants.refresh(member)  # made without team_add
    return case
