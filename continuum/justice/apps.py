from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "continuum.justice"
    label = "justice"
    verbose_name = "Justice"
