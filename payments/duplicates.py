"""A re-sent payment CSV books nothing twice: its repeated payments wait for an agent.

A bank file names each payment by the bank's reference; a creditor's CSV export usually
does not, and one changed byte (a trailing newline, a row added at the end) gives a
re-sent export a new SHA-256. So each CSV payment is compared with what earlier CSV files
of the same account brought (`payments_import` asks `CsvRepeats.holds` for each payment
it has not skipped already):

- **The account** is whose export the file is: the creditor it is imported for
  (`--creditor`, stored as `PaymentFile.exported_by`), or the agency's own when none is
  given. A CSV names no receiving account, so files of different creditors, or a
  creditor's and the agency's, never hold each other's payments.
- **With a bank reference** (`bank_reference` column) the reference and the date are the
  identity, as for a bank file: a repeat is skipped and counted as a duplicate (the import
  service does that, for every format), and two rows with different references are two
  payments however alike. Such a row is held only when it equals an earlier payment that
  had no reference (the same export, once without the column).
- **Without one**, a payment whose OCR reference (or the text in its place), amount,
  payment date and payer equal those of an earlier file's payment is a *possible
  duplicate*: it is not booked, but stored with no case, `duplicate_of` pointing at the
  first and the reason "possible duplicate of payment #N (file X, row R)". An agent who
  finds it a real second payment assigns it (`payment_assign`), which books it.
- **Counted, not just compared:** earlier files' equal payments are paired with this
  file's, first with first; a file holding a payment twice where earlier files had it
  once books the second. Within one file, equal rows are separate payments (two equal
  instalments on one day are real; the danger is a file sent again, not a row written
  twice), so the first file that brings them books them all.

Compared are the payments as stored (text cut to the stored length); the currency is
not compared, since a matched payment is stored in its case's currency.
"""
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Payment, PaymentSource
from core.bulk import insert_rows
from core.tenancy import scopes_disabled

from .batch import PAYMENT_FIELDS, payment_row


@dataclass(frozen=True)
class Earlier:
    """A payment an earlier CSV file of the same account brought."""

    pk: int
    creditor_id: int | None
    reference: str
    file_name: str
    record: int | None

    @property
    def reason(self) -> str:
        return f"possible duplicate of payment #{self.pk} (file {self.file_name[:100]}, row {self.record})"


def payment_key(ocr_reference: str, free_text: str, amount, paid_on, payer: str) -> tuple:
    """What a re-sent row repeats: the payment's fields as stored."""
    return ocr_reference[:25], free_text[:200], amount, paid_on, payer[:200]


class CsvRepeats:
    """The file's payments that an earlier CSV file of the same account brought; `held`, once asked."""

    def __init__(self, payments, *, creditor):
        self.held: list[tuple[object, Earlier]] = []  # (parsed payment, the first)
        self._earlier: dict[tuple, list[Earlier]] = defaultdict(list)  # key → unpaired, oldest first
        dates = sorted({p.paid_on for p in payments})
        with scopes_disabled():
            rows = (Payment.objects.filter(source=PaymentSource.CSV, file__isnull=False, paid_on__any=dates)
                    .filter(**({"file__exported_by": creditor} if creditor else {"file__exported_by__isnull": True}))
                    # a possible duplicate no agent has booked is not a payment of its own
                    .exclude(duplicate_of__isnull=False, case__isnull=True)
                    .order_by("pk").values_list("pk", "creditor_id", "reference", "file__name", "record",
                                                "ocr_reference", "free_text", "amount", "paid_on", "payer"))
            for pk, creditor_id, reference, file_name, record, *fields in rows:
                self._earlier[payment_key(*fields)].append(Earlier(pk, creditor_id, reference, file_name, record))
        # A row whose bank reference an earlier file brought is skipped by the import; it
        # repeats that payment, which no other row can then repeat.
        references = {(p.reference[:100], p.paid_on) for p in payments if p.reference}
        for key, earlier in self._earlier.items():
            self._earlier[key] = [e for e in earlier if (e.reference, key[3]) not in references]

    def holds(self, parsed) -> Earlier | None:
        """The earlier payment `parsed` repeats (it is then held, not booked), or None."""
        candidates = self._earlier.get(payment_key(parsed.ocr_reference, parsed.free_text, parsed.amount,
                                                   parsed.paid_on, parsed.payer), [])
        for index, earlier in enumerate(candidates):
            if not parsed.reference or not earlier.reference:  # two bank references differ: two payments
                del candidates[index]
                self.held.append((parsed, earlier))
                return earlier
        return None

    def store(self, file) -> None:
        """Keep the held payments with the file, each pointing at the first, for an agent."""
        now = timezone.now()
        insert_rows(Payment, PAYMENT_FIELDS, [
            payment_row(parsed, creditor_id=earlier.creditor_id, case_id=None, file=file, source=PaymentSource.CSV,
                        now=now, reason=earlier.reason, duplicate_of=earlier.pk)
            for parsed, earlier in self.held])
