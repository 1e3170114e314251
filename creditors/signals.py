"""What a creditor's creation tells the apps above it, which give it what they own."""
from django.dispatch import Signal

# Sent with `creditor` inside `creditors.services.creditor_create`'s transaction and the
# creditor's scope: a receiver's failure rolls the creditor back.
creditor_created = Signal()
