from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "continuum.org"
    label = "org"
    verbose_name = "Organisations and accounts"
