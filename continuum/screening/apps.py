from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "continuum.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from continuum.access import registry
        from continuum.screening.models import ScreeningResult

        registry.register_protected(
            "screening", ScreeningResult, operations={"view", "record"}, case="case", creates={"record"}
        )
