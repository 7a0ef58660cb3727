import datetime as dt

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "continuum.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from continuum.care import tasks
        from continuum.core import jobs

        jobs.register_periodic("care.reminders", task=tasks.care_reminders, every=dt.timedelta(hours=1))
