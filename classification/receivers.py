"""What classification does when something below it happens (connected in `ClassificationConfig.ready`)."""
from django.dispatch import receiver

from creditors.signals import creditor_created

from .models import ClassificationRules


@receiver(creditor_created, dispatch_uid="classification.default_rules")
def default_rules(sender, *, creditor, **kwargs) -> None:
    """A new creditor classifies by the default rules until it changes them."""
    ClassificationRules.objects.create(creditor=creditor)
