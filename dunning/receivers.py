"""What dunning does when something below it happens (connected in `DunningConfig.ready`)."""
from django.dispatch import receiver

from creditors.signals import creditor_created
from letters.signals import letter_undeliverable

from .addresses import address_missing_open
from .event_texts import LETTER_UNDELIVERABLE
from .services import policies_create_defaults


@receiver(creditor_created, dispatch_uid="dunning.default_policies")
def default_policies(sender, *, creditor, **kwargs) -> None:
    """A new creditor gets the PS method's default ladder for each category."""
    policies_create_defaults(creditor=creditor)


@receiver(letter_undeliverable, dispatch_uid="dunning.letter_undeliverable")
def letter_waits_for_an_address(sender, *, letter, day, **kwargs) -> None:
    """The case waits for an agent to find an address (once per case: an open item stays)."""
    address_missing_open(case=letter.case, on=day, code=LETTER_UNDELIVERABLE,
                         note=f"Letter {letter.pk} has no postal address and the debtor no agreed e-mail",
                         data={"letter": letter.pk, "kind": letter.kind})
