"""Send the webhook deliveries that are due, in this process (without a worker: the embedded default)."""
from django.core.management.base import BaseCommand

from core.tenancy import creditor_scope
from webhooks.delivery import deliveries_claim, delivery_attempt


class Command(BaseCommand):
    help = "Send every webhook delivery that is due now; print how many were delivered, retried and failed."

    def handle(self, *args, **options):
        counts = {"delivered": 0, "pending": 0, "failed": 0}
        while claimed := deliveries_claim():
            for delivery_id, creditor_id in claimed:
                with creditor_scope(creditor_id):
                    delivery = delivery_attempt(delivery_id=delivery_id)
                if delivery is not None:
                    counts[delivery.state] += 1
        self.stdout.write(f"{counts['delivered']} delivered, {counts['pending']} to retry, {counts['failed']} failed")
