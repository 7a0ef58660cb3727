from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "continuum.mdt"
    label = "mdt"
    verbose_name = "Multidisciplinary team meetings"
