from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "classification"
    verbose_name = "Classification"

    def ready(self):
        from . import receivers  # noqa: F401  connects them; models load only once apps are ready
        from . import event_texts  # noqa: F401  registers the timeline's sentence for classification's code
