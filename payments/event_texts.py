"""The timeline's sentences for the codes payments writes (registered in `PaymentsConfig.ready`):
a payment allocated, a credit note applied, an unmatched payment assigned to a case."""
from decimal import Decimal

from cases.timeline import format_amount, format_date, register

PAYMENT_ALLOCATED = "cases.payment.allocated"
CREDIT_APPLIED = "cases.credit.applied"
PAYMENT_ASSIGNED = "cases.payment.assigned"
DUPLICATE_CONFIRMED = "cases.payment.duplicate_confirmed"
WHY_SETTLED_BY_CREDITOR = "payments.settled_by_creditor"  # a stage change's why (`cases.timeline`)


def _allocated(language: str):
    """`Betalning 500,00 kr den 2026-11-02: avgifter 60,00, ränta 3,12, kapital 436,88`: part by part."""
    def text(data: dict) -> str:
        fees = sum((Decimal(str(amount)) for _, amount in data["fees"]), Decimal("0"))
        overpayment = Decimal(str(data["overpayment"]))
        amount, paid_on = format_amount(data["amount"], language), format_date(data["paid_on"])
        parts = [format_amount(value, language) for value in (fees, data["interest"], data["principal"])]
        if language == "en":
            return (f"Payment of SEK {amount} on {paid_on}: fees {parts[0]}, interest {parts[1]}, principal {parts[2]}"
                    + (f", overpaid {format_amount(overpayment, 'en')}" if overpayment else ""))
        return (f"Betalning {amount} kr den {paid_on}: avgifter {parts[0]}, ränta {parts[1]}, kapital {parts[2]}"
                + (f", överbetalt {format_amount(overpayment)}" if overpayment else ""))
    return text


register(PAYMENT_ALLOCATED, sv=_allocated("sv"), en=_allocated("en"))
register(CREDIT_APPLIED, sv="Kreditering {amount:sek} kr den {credited_on:date}",
         en="Credit note of SEK {amount:sek} dated {credited_on:date}")
register(PAYMENT_ASSIGNED, sv="Omatchad betalning {amount:sek} kr kopplad till ärendet",
         en="Unmatched payment of SEK {amount:sek} assigned to the case")
register(DUPLICATE_CONFIRMED,
         sv="Betalningen {amount:sek} kr den {paid_on:date} i en senare fil var samma betalning igen; den bokas inte",
         en="The payment of SEK {amount:sek} on {paid_on:date} in a later file was this one again; it is not booked")
register(WHY_SETTLED_BY_CREDITOR, sv="Betald direkt till borgenären enligt dennes reskontra",
         en="Paid directly to the creditor, as its ledger shows")
