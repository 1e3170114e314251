"""What payments does when something below it asks (connected in `PaymentsConfig.ready`)."""
from django.dispatch import receiver

from dunning.balances import book_of
from dunning.signals import dispute_credited

from .services import credit_note_apply


@receiver(dispute_credited, dispatch_uid="payments.dispute_credited")
def book_the_credit(sender, *, case, amount, on, actor, reference, **kwargs) -> None:
    """A disputed claim credited by a supervisor's decision: a credit note for `amount`, or
    for the whole unpaid principal (which closes the case as credited)."""
    credit_note_apply(case=case, amount=amount if amount is not None else book_of(case).principal, on=on,
                      reference=reference, actor=actor)
