import datetime as dt

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "continuum.care"
    label = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from continuum.access import system
        from continuum.care import tasks
        from continuum.core import jobs

        # The job acts as "care.reminders"; policy.yaml `system` says what that actor may do.
        system.register_actor("care.reminders")
        system.declare_operations("service_referral.remind")

        jobs.register_periodic("care.reminders", task=tasks.care_reminders, every=dt.timedelta(hours=1))
