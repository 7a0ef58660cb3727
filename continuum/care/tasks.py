"""The jobs of the services network; each calls an action and holds no logic of its own."""

from __future__ import annotations

from django_tasks import task

from continuum.access import policy, system
from continuum.care.actions import referral_reminders_record


@task()
def care_reminders() -> int:
    """Hourly (registered in CareConfig.ready): the same work as `continuum care_reminders`, one
    reminder per referral and stage, so a run repeated after a worker died records nothing twice. It
    acts as the system actor "care.reminders" (policy.yaml `system`).
    Returns how many reminders it recorded."""
    return len(referral_reminders_record(actor=system.actor("care.reminders"), now=policy.clock()))
