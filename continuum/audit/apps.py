from django.apps import AppConfig
from django.conf import settings


class AuditConfig(AppConfig):
    name = "continuum.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from continuum.audit import keys, signals

        signals.connect()
        if settings.PRODUCTION:
            # A missing or bad audit key stops the start, not the first seal (SECURITY.md 13).
            keys.check_key()
