from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self):
        from . import event_texts  # noqa: F401  registers the timeline's sentences for payments' codes
        from . import receivers  # noqa: F401  connects them
