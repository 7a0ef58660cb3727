from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "continuum.web"
    label = "web"
    verbose_name = "Web"
