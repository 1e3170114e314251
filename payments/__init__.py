"""Money in: payments received, matched to their cases and booked on them.

The path of one payment, from the ground up:
1. the order of law a payment reduces a claim in — costs, then interest, then principal
   (`law.allocation`, pure);
2. a case's book: its ledger entries and the rates they accrue at, reduced by an amount
   (`cases.reductions`);
3. one payment on one case, locked, logged, closing or replanning the case
   (`payments.services.payment_register`);
4. a bank file: parsed (`payments.files`), recorded once, each payment deduplicated,
   matched by OCR reference and booked (`payments.importing`), many at a time by the same
   rules (`payments.batch`, which a property test compares with step 3).
"""
