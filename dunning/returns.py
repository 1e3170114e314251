"""A letter that comes back undeliverable: its step did not happen.

The mail house or the e-mail server reports it (`letter_returned` command). The fees of
the step are written off, and each of the debtor's open cases waits with an "address
missing" work item (`dunning.addresses`) until an address is set.
"""
import datetime

from django.db import transaction
from django.utils import translation

from cases.events import log_event
from cases.models import Case, Component, EntryKind, LedgerEntry
from cases.reductions import fees_outstanding
from cases.services import entry_post
from cases.stages import Stage
from core.errors import Conflict, ValidationError
from core.money import ZERO
from letters.models import Letter, LetterKind

from .addresses import address_missing_open
from .balances import book_of
from .event_texts import ADDRESS_MISSING, LETTER_RETURNED
from .planning import case_replan

# The letters whose step is undone when they come back. A payment order stands: the
# application is with Kronofogden, which serves the debtor itself, and its fee is paid.
VOIDABLE_KINDS = (LetterKind.REMINDER, LetterKind.COLLECTION_DEMAND)


@transaction.atomic
def letter_returned(*, letter: Letter, on: datetime.date, reason: str, actor=None) -> Letter:
    """The mail house or the e-mail server reports the letter undeliverable.

    LAW.md, "A fee is for a step that happened": a reminder or collection demand that never
    reached the debtor is no step. Its fees are written off (what the debtor has already paid
    of them stays paid, and the event says how much), the ladder takes the step again once
    an address is found, and charges it then. Each of the debtor's cases not closed waits with an
    "address missing" work item (the next letter would go to the same address) until
    `dunning.addresses.debtor_address_set` closes them. The stage reached stays: escalation
    only goes forward. Once per letter."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError("say why the letter came back (the mail house's or the server's reason)",
                              detail={"field": "reason"})
    if len(reason) > 200:
        raise ValidationError("the reason is longer than 200 characters", detail={"field": "reason"})
    letter = Letter.objects.select_for_update(of=("self",)).select_related("step").get(pk=letter.pk)
    if letter.is_returned:
        raise Conflict(f"letter {letter.pk} was already returned on {letter.returned_on}")
    if not hasattr(letter, "delivery"):
        raise Conflict(f"letter {letter.pk} has not been sent: it cannot have come back")
    if on < letter.sent_on:
        raise ValidationError(f"letter {letter.pk} was sent on {letter.sent_on}: it cannot come back before",
                              detail={"field": "on"})
    case = Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=letter.case_id)
    waived, unpaid_waived, paid_before = None, ZERO, ZERO
    if letter.kind in VOIDABLE_KINDS and letter.step is not None:
        book = book_of(case)
        outstanding = dict(fees_outstanding(book.entries, as_of=max(on, book.latest)))
        charged = LedgerEntry.objects.filter(case=case, reference=f"step {letter.step.sequence}",
                                             component=Component.FEES).order_by("id")
        waived = []
        for fee in charged:
            part = min(fee.amount, outstanding.get(fee.kind, ZERO))
            if part > 0:
                with translation.override("sv"):  # the ledger's texts are Swedish, whatever the page's language
                    text = f"{EntryKind(fee.kind).label}: brevet kom i retur"
                entry_post(case=case, kind=EntryKind.WRITE_OFF, component=Component.FEES, amount=-part,
                           booked_on=max(on, book.latest), applies_to=fee.kind, reference=f"letter {letter.pk} returned",
                           text=text)
                outstanding[fee.kind] -= part
            waived.append(fee.kind)
            unpaid_waived += part
            paid_before += fee.amount - part
    letter.returned_on, letter.returned_reason, letter.fees_waived = on, reason, waived
    letter.save(update_fields=["returned_on", "returned_reason", "fees_waived"])
    log_event(case=case, code=LETTER_RETURNED, actor=actor, on=on,
              data={"letter": letter.pk, "kind": letter.kind, "sent_on": letter.sent_on.isoformat(), "reason": reason,
                    "fees_waived": waived, "written_off": str(unpaid_waived), "already_paid": str(paid_before)})
    cases = (Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",))
             .filter(debtor_id=case.debtor_id).exclude(stage=Stage.CLOSED).order_by("pk"))
    for each in cases:
        address_missing_open(case=each, on=on, actor=actor, code=ADDRESS_MISSING,
                             note=f"Letter {letter.pk} came back: {reason}", data={"letter": letter.pk, "reason": reason})
        case_replan(each)
    return letter
