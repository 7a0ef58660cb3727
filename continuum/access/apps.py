from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "continuum.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from continuum.access import (
            checks,  # noqa: F401  (registers the system checks)
            grants,
        )

        grants.register_access_sources()
