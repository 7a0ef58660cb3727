from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "continuum.screening"
    label = "screening"
    verbose_name = "Screening"
