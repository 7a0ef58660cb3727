import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "continuum.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from continuum.core import (
            checks,  # noqa: F401  (registers the system checks)
            jobs,
            tasks,
        )

        jobs.register_periodic("core.prune_jobs", task=tasks.prune_job_results, every=dt.timedelta(days=1))
