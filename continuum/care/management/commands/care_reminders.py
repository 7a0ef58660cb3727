"""`continuum care_reminders`: remind of service referrals that wait too long.

`continuum worker` does this work every hour, as the periodic job `care.reminders`
(continuum/care/tasks.py, registered in CareConfig.ready); this command does it at once. For
each referral that waits longer than its stage allows (sent and not answered: 2 days;
waitlisted: 14 days; accepted and not started: 7 days; continuum/care/models.py WAIT_LIMITS) it
records one ReferralReminder, a journey event and an audit row, once per referral and stage, as
the system actor `care.reminders` (policy.yaml `system`); running it again creates nothing
more. It prints counts only, never a person's details.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand

from continuum.access import policy, system
from continuum.care.actions import referral_reminders_record


class Command(BaseCommand):
    help = (
        "Record a reminder for each service referral that waits too long at its stage (the worker "
        "does it hourly; running it twice creates nothing more)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = referral_reminders_record(actor=system.actor("care.reminders"), now=policy.clock())
        by_stage = Counter(reminder.stage for reminder in created)
        detail = ", ".join(f"{stage}: {count}" for stage, count in sorted(by_stage.items()))
        self.stdout.write(f"{len(created)} reminder(s) recorded" + (f" ({detail})." if detail else "."))
