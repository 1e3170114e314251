"""What dunning asks of the apps above it."""
from django.dispatch import Signal

# Sent with `case`, `amount` (None: the whole unpaid principal), `on`, `actor` and
# `reference` when a supervisor decides that a disputed claim is credited (in full or in
# part), inside the decision's transaction. The credit note is booked by its receiver
# (`payments.receivers`: a credit note is money's business); `queue_decide` refuses to
# decide if none books it.
dispute_credited = Signal()
