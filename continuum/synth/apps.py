from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "continuum.synth"
    label = "synth"
    verbose_name = "Synthetic data"
