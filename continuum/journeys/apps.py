from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "continuum.journeys"
    label = "journeys"
    verbose_name = "Journeys"
