from django.apps import AppConfig


class DunningConfig(AppConfig):
    name = "dunning"
    verbose_name = "Dunning"

    def ready(self):
        from . import receivers  # noqa: F401  connects them; models load only once apps are ready
        from . import event_texts  # noqa: F401  registers the timeline's sentences for dunning's codes
