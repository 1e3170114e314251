"""Money in from the bank: a payment file matched by OCR reference and allocated, atomically.

    payments_import(data=…, name=…, format=None, creditor=None) -> PaymentImportSummary

The file is parsed and checked against itself first (`payments.files`); one that does
not add up is refused whole. Then, in one transaction: the file is recorded (its SHA-256
makes the same file twice a no-op), each payment is deduplicated on the bank's reference
and date, matched to a case by its OCR reference, and allocated by the rules
`payment_register` follows, in batches (`payments.batch`).
A payment that matches nothing (no valid OCR reference, no such case, a deduction) is
stored with the file and record it came from and the reason, for an agent to assign
(`payment_assign`); it is never dropped. A payment that names several cases (extra
references) is spread across them or kept whole for an agent (`payments.spread`).

Which creditor: the payments of a section go to the creditor whose bankgiro received
them; when the receiving account is the agency's own (no creditor, or several, have it)
the OCR reference decides, and OCR references are unique across creditors.
"""
import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.events import actor_label, log_event
from cases.models import Case, Payment, PaymentFile, PaymentSource
from cases.ocr import is_valid_ocr_reference
from core.bulk import insert_rows
from core.errors import Conflict, ValidationError
from core.money import MAX_AMOUNT, ZERO, format_sek
from core.tenancy import creditor_scope, scopes_disabled
from creditors.models import Creditor
from payments.files.csv_file import parse_payment_csv

from .batch import PAYMENT_FIELDS, Matched, allocate_matched, payment_account, payment_row
from .duplicates import CsvRepeats
from .event_texts import DUPLICATE_CONFIRMED, PAYMENT_ASSIGNED
from .files import PaymentFileError, detect_format, parse
from .services import payment_allocate
from .spread import deducted_references, named_references, several_reason

CHUNK = 2000


@dataclass
class Tally:
    count: int = 0
    amount: Decimal = ZERO

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount

    def __str__(self) -> str:
        return f"{self.count} ({format_sek(self.amount)} kr)"


@dataclass
class PaymentImportSummary:
    name: str
    format: str = ""
    file_id: int | None = None
    already_imported_at: datetime.datetime | None = None
    total: Tally = field(default_factory=Tally)
    matched: Tally = field(default_factory=Tally)
    unmatched: Tally = field(default_factory=Tally)
    overpaid: Tally = field(default_factory=Tally)
    duplicates: Tally = field(default_factory=Tally)
    possible_duplicates: Tally = field(default_factory=Tally)  # CSV: held for an agent (payments.duplicates)

    @property
    def count(self) -> int:
        return self.total.count

    def __str__(self) -> str:
        if self.already_imported_at:
            return f"{self.name}: already imported {timezone.localtime(self.already_imported_at):%Y-%m-%d %H:%M}; nothing imported"
        return (f"{self.name} ({self.format}): total {self.total}, matched {self.matched}, unmatched {self.unmatched}, "
                f"overpaid {self.overpaid}, duplicates skipped {self.duplicates}"
                + (f", possible duplicates {self.possible_duplicates}" if self.format == PaymentSource.CSV else ""))


def payments_import(*, data: bytes, name: str, format: str | None = None, creditor: Creditor | None = None,
                    today: datetime.date | None = None) -> PaymentImportSummary:
    """Import a payment file (BgMax, camt.054 or CSV; detected when `format` is None).

    `creditor`: the file is that creditor's own (a CSV export): only its cases match.
    `today` (default: the local date): a payment dated after it refuses the file."""
    if len(data) > settings.PAYMENT_IMPORT_MAX_BYTES:
        raise ValidationError(f"the file is {len(data):,} bytes; the limit is {settings.PAYMENT_IMPORT_MAX_BYTES:,}")
    format = format or detect_format(data)
    if format not in (PaymentSource.BGMAX, PaymentSource.CAMT054, PaymentSource.CSV):
        raise ValidationError(f"unknown payment file format {format!r}: bgmax, camt054 or csv")
    summary = PaymentImportSummary(name=name, format=format)
    today = today or timezone.localdate()
    parsed = parse_payment_csv(data, today=today) if format == PaymentSource.CSV else parse(data, format, today=today)
    if abs(parsed.total) > MAX_AMOUNT:  # each payment is within it; the file's total is stored too
        raise PaymentFileError(f"the file's payments add up to {format_sek(parsed.total)} kr, beyond "
                               f"{format_sek(MAX_AMOUNT)} kr, the largest amount Fordra holds: split the file")
    digest = hashlib.sha256(data).hexdigest()
    with scopes_disabled(), transaction.atomic():
        earlier = PaymentFile.objects.filter(sha256=digest).first()
        if earlier is not None:
            summary.already_imported_at, summary.file_id = earlier.imported_at, earlier.pk
            return summary
        created_at = parsed.created_at
        if created_at is not None and timezone.is_naive(created_at):  # Bankgirot writes Swedish local time
            created_at = timezone.make_aware(created_at)
        file = PaymentFile.objects.create(format=format, name=name[:255], sha256=digest, created_at=created_at,
                                          exported_by=creditor)
        summary.file_id = file.pk
        matcher = _Matcher(parsed.payments, creditor)
        seen = _already_imported(parsed.payments, format)
        repeats = CsvRepeats(parsed.payments, creditor=creditor) if format == PaymentSource.CSV else None
        matched: dict[int, list[Matched]] = defaultdict(list)
        unmatched = []
        for payment in parsed.payments:
            summary.total.add(payment.amount)
            key = (payment_account(payment, format), payment.key, payment.paid_on)
            legacy = ("serial", key[0], payment.reference, payment.paid_on, payment.amount)
            if payment.key and (key in seen or legacy in seen):
                summary.duplicates.add(payment.amount)
                continue
            seen.add(key)
            if repeats is not None and repeats.holds(payment):  # a re-sent CSV's payment: kept for an agent
                summary.possible_duplicates.add(payment.amount)
                continue
            creditor_id, item, reason = matcher.match_item(payment)
            if item is None:
                unmatched.append((creditor_id, payment, reason))
                summary.unmatched.add(payment.amount)
            else:
                matched[creditor_id].append(item)
        _unmatched_insert(unmatched, file, format)
        if repeats is not None:
            repeats.store(file)
        for creditor_id, items in matched.items():
            allocate_matched(creditor_id, items, file=file, source=format)
            for item in items:
                if item.reason:  # it names several cases and cannot be spread across them: kept for an agent
                    summary.unmatched.add(item.parsed.amount)
                    continue
                summary.matched.add(item.parsed.amount)
                if item.allocation.overpayment:
                    summary.overpaid.add(item.allocation.overpayment)
        file.payments, file.total = summary.total.count, summary.total.amount
        file.summary = {key: {"count": tally.count, "amount": str(tally.amount)} for key, tally in (
            ("matched", summary.matched), ("unmatched", summary.unmatched), ("overpaid", summary.overpaid),
            ("duplicates", summary.duplicates), ("possible_duplicates", summary.possible_duplicates))}
        file.save(update_fields=["payments", "total", "summary"])
    return summary


class _Matcher:
    """Cases by OCR reference and creditors by receiving account, loaded once per file."""

    def __init__(self, payments, creditor: Creditor | None):
        self.only = creditor
        references = sorted({reference for p in payments for reference in named_references(p)
                              if is_valid_ocr_reference(reference)})
        self.cases: dict[str, list[tuple[int, int]]] = defaultdict(list)  # ocr → [(creditor id, case id)]
        cases = Case.objects.all() if creditor is None else Case.objects.filter(creditor=creditor)
        for start in range(0, len(references), CHUNK):
            for row in cases.filter(ocr_reference__any=references[start:start + CHUNK]).values_list(
                    "ocr_reference", "creditor_id", "id"):
                self.cases[row[0]].append(row[1:])
        self.by_account: dict[str, list[int]] = defaultdict(list)
        for pk, bankgiro in Creditor.objects.exclude(bankgiro="").values_list("pk", "bankgiro"):
            self.by_account[bankgiro.replace("-", "")].append(pk)

    def creditor_of_account(self, account: str) -> int | None:
        if self.only is not None:
            return self.only.pk
        owners = self.by_account.get(account.replace("-", ""), [])
        return owners[0] if len(owners) == 1 else None

    def match_item(self, payment) -> tuple[int | None, Matched | None, str]:
        """(creditor id, what it matched, why not): a payment that names several cases (its
        extra references) matches all of them, of one creditor, or none (`payments.spread`)."""
        references = named_references(payment)
        if len(references) <= 1 or payment.amount < 0:
            if references and references[0] != payment.ocr_reference:  # only an extra reference names a case
                payment = replace(payment, ocr_reference=references[0])
            creditor_id, case_id, reason = self.match(payment)
            return creditor_id, (None if case_id is None else Matched(payment, case_id)), reason
        account_owner = self.creditor_of_account(payment.receiver_account)
        deducted = deducted_references(payment)
        if deducted:
            why = f"the payer deducted a credit note ({', '.join(deducted)}): which claim it reduces is an agent's call"
            return account_owner, None, several_reason(references, why)
        found = [self.match(replace(payment, ocr_reference=reference)) for reference in references]
        for _, case_id, reason in found:
            if case_id is None:
                return account_owner, None, several_reason(references, reason)
        creditors = {creditor_id for creditor_id, _, _ in found}
        if len(creditors) > 1:
            return account_owner, None, several_reason(references, f"they are cases of {len(creditors)} creditors")
        cases = tuple(case_id for _, case_id, _ in found)
        return creditors.pop(), Matched(payment, cases[0], cases=cases, references=references), ""

    def match(self, payment) -> tuple[int | None, int | None, str]:
        """(creditor id, case id, why not) for a payment."""
        account_owner = self.creditor_of_account(payment.receiver_account)
        if payment.amount < 0:
            return account_owner, None, "a deduction (returned or corrected payment): an agent must handle it"
        if not payment.ocr_reference:
            return account_owner, None, "no OCR reference"
        if not is_valid_ocr_reference(payment.ocr_reference):
            return account_owner, None, f"OCR reference {payment.ocr_reference} has a wrong check or length digit"
        candidates = self.cases.get(payment.ocr_reference, [])
        if account_owner is not None:
            candidates = [c for c in candidates if c[0] == account_owner] or candidates
        if len(candidates) == 1:
            return (*candidates[0], "")
        if not candidates:
            return account_owner, None, f"no case has OCR reference {payment.ocr_reference}"
        return account_owner, None, f"OCR reference {payment.ocr_reference} fits {len(candidates)} creditors' cases"


def _already_imported(payments, format: str) -> set[tuple]:
    """(account, identity, date) of the file's payments that an earlier file brought already.

    A BgMax payment imported before its identity held more than the serial number (issue
    #17) has the serial as its identity: it is recognised by account, serial, date and amount,
    too, so that a re-sent file does not book it again."""
    keys = sorted({p.key for p in payments if p.key} | {p.reference for p in payments if p.reference})
    seen = set()
    for start in range(0, len(keys), CHUNK):
        for account, identity, paid_on, reference, amount in (
                Payment.objects.filter(source=format, identity__any=keys[start:start + CHUNK])
                .values_list("account", "identity", "paid_on", "reference", "amount")):
            seen.add((account, identity, paid_on))
            if identity == reference and format == "bgmax":
                seen.add(("serial", account, reference, paid_on, amount))
    return seen


def _unmatched_insert(unmatched: list, file: PaymentFile, format: str) -> None:
    now = timezone.now()
    insert_rows(Payment, PAYMENT_FIELDS, [
        payment_row(p, creditor_id=creditor_id, case_id=None, file=file, source=format, now=now, reason=reason)
        for creditor_id, p, reason in unmatched])


def cases_named(payment: Payment, value: str) -> list[Case]:
    """The cases an agent may mean by `value` (a case's id or its OCR reference) for an
    unmatched payment: the payment's creditor's only, where it has one; at most two, which
    is enough to tell none, one and several apart."""
    value = value.strip()
    cases = Case.objects.with_scopes_disabled().select_related("creditor").filter(
        Q(ocr_reference=value) | Q(pk=int(value) if value.isdigit() else None))
    if payment.creditor_id is not None:
        cases = cases.filter(creditor_id=payment.creditor_id)
    return list(cases.order_by("pk")[:2])


@transaction.atomic
def payment_assign(*, payment: Payment, case: Case, actor=None) -> Payment:
    """An agent assigns an unmatched payment to a case: it is allocated as if it had matched."""
    with scopes_disabled():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.case_id is not None:
            raise Conflict(f"payment {payment.pk} is already allocated to case {payment.case_id}",
                           code="payment_allocated", detail={"payment": payment.pk, "case": payment.case_id})
        if payment.duplicate_confirmed_on is not None:
            raise Conflict(f"payment {payment.pk} was confirmed a duplicate of payment {payment.duplicate_of_id}",
                           code="payment_is_duplicate",
                           detail={"payment": payment.pk, "original": payment.duplicate_of_id})
        if payment.amount <= 0:
            raise ValidationError("a deduction cannot be allocated to a case; settle it with the bank",
                                  code="payment_deduction")
        if payment.creditor_id not in (None, case.creditor_id):
            raise ValidationError(f"payment {payment.pk} was received for another creditor",
                                  code="payment_other_creditor")
    with creditor_scope(case.creditor_id):
        case = Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)
        payment.creditor_id, payment.case, payment.unmatched_reason = case.creditor_id, case, ""
        payment.save(update_fields=["creditor", "case", "unmatched_reason"])
        log_event(case=case, code=PAYMENT_ASSIGNED, actor=actor, on=payment.paid_on,
                  data={"payment": payment.pk, "amount": str(payment.amount), "record": payment.record,
                        "file": payment.file_id})
        return payment_allocate(case, payment, actor=actor)


@transaction.atomic
def payment_duplicate_confirm(*, payment: Payment, on: datetime.date, actor=None) -> Payment:
    """An agent finds a possible duplicate (`payments.duplicates`) to be the earlier payment
    again: it stays stored, never booked, and leaves the agents' list. The earlier payment's
    case (if it has one) records it. To book it instead, assign it (`payment_assign`)."""
    with scopes_disabled():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("duplicate_of").get(pk=payment.pk)
    if payment.duplicate_of_id is None or payment.case_id is not None:
        raise Conflict(f"payment {payment.pk} is not a possible duplicate waiting for an agent",
                       code="payment_not_duplicate")
    if payment.duplicate_confirmed_on is not None:
        raise Conflict(f"payment {payment.pk} was already confirmed a duplicate", code="payment_duplicate_confirmed")
    payment.duplicate_confirmed_on, payment.duplicate_confirmed_by = on, actor_label(actor)
    payment.save(update_fields=["duplicate_confirmed_on", "duplicate_confirmed_by"])
    earlier = payment.duplicate_of
    if earlier.case_id is not None:
        with creditor_scope(earlier.creditor_id):
            log_event(case=Case.objects.get(pk=earlier.case_id), code=DUPLICATE_CONFIRMED, actor=actor, on=on,
                      data={"payment": payment.pk, "duplicate_of": earlier.pk, "amount": str(payment.amount),
                            "paid_on": payment.paid_on.isoformat()})
    return payment
