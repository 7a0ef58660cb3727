# The case with the advocate and the detective on its team, shared with the cases tests.
from continuum.cases.tests.conftest import team_case  # noqa: F401
