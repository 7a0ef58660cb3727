import datetime as dt

from django.apps import AppConfig
from django.conf import settings


class AuditConfig(AppConfig):
    name = "continuum.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from continuum.audit import keys, signals, tasks
        from continuum.core import jobs

        signals.connect()
        # Seal and checkpoint every few minutes: the window in which an unsealed row could be
        # altered unseen is one period (docs/security.md).
        jobs.register_periodic("audit.checkpoint", task=tasks.audit_checkpoint, every=dt.timedelta(minutes=5))
        if settings.PRODUCTION:
            # A missing or bad audit key stops the start, not the first seal (SECURITY.md 13).
            keys.check_key()
