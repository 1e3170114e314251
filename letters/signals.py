"""What the letters tell the apps above them."""
from django.dispatch import Signal

# Sent with `letter` and `day` when a rendered letter can go neither by post nor by e-mail,
# inside the print batch's transaction.
letter_undeliverable = Signal()
