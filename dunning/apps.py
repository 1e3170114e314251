from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "dunning"
    verbose_name = "Dunning"
