from django.apps import AppConfig


class CreditorsConfig(AppConfig):
    name = "creditors"
    verbose_name = "Creditors"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import privilege_at_sign_in

        user_logged_in.connect(privilege_at_sign_in, dispatch_uid="creditors.privilege_at_sign_in")
