from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Fordra core"

    def ready(self):
        from . import lookups  # noqa: F401  (registers field__any)
