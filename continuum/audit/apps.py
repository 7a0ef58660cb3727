from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "continuum.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from continuum.audit import signals

        signals.connect()
