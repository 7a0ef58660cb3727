"""The jobs of the core layer."""

from __future__ import annotations

from django.core.management import call_command
from django_tasks import task

# How long a finished job's row is kept: long enough to look into a failure.
KEEP_SUCCESSFUL_DAYS = 14
KEEP_FAILED_DAYS = 90


@task()
def prune_job_results() -> None:
    """Daily (registered in CoreConfig.ready): delete the rows of jobs that finished long ago,
    with django-tasks-db's own command. Running it twice deletes nothing more."""
    call_command(
        "prune_db_task_results",
        "--queue-name=*",
        f"--min-age-days={KEEP_SUCCESSFUL_DAYS}",
        f"--failed-min-age-days={KEEP_FAILED_DAYS}",
        verbosity=0,
    )
