from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "continuum.care"
    label = "care"
    verbose_name = "Care"
