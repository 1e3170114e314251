"""Labels shared by every letter kind, per language. Whole paragraphs live in the templates
(letters/templates/letters/<version>/<language>/), drafted per language."""

FEE_LABELS = {
    "sv": {
        "reminder_fee": "Påminnelseavgift",
        "collection_fee": "Inkassoavgift",
        "late_payment_comp": "Förseningsersättning",
        "payment_plan_fee": "Avgift för avbetalningsplan",
        "payment_order_fee": "Ansökningsavgift, Kronofogden",
        "payment_order_work": "Upprättande av ansökan om betalningsföreläggande",
    },
    "en": {
        "reminder_fee": "Reminder fee",
        "collection_fee": "Collection fee",
        "late_payment_comp": "Late-payment compensation",
        "payment_plan_fee": "Payment plan fee",
        "payment_order_fee": "Application fee, Swedish Enforcement Authority",
        "payment_order_work": "Drawing up the payment order application",
    },
}

LABELS = {
    "sv": {
        "date": "Datum", "customer_number": "Kundnummer", "reference": "OCR-nummer", "invoice": "Faktura",
        "invoice_number": "Fakturanummer", "invoice_date": "Fakturadatum", "due_date": "Förfallodatum",
        "page": "Sida", "sender": "Avsändare", "org_number": "Org.nr", "phone": "Telefon", "email": "E-post",
        "principal": "Kapitalbelopp (obetald del av fakturan)", "interest": "Dröjsmålsränta",
        "interest_period": "{start} – {end}, {days} dagar, {rate} på {principal}",
        "total": "Att betala", "amount_kr": "Belopp, kr", "item": "Specifikation",
        "pay_by": "Betala senast", "bankgiro": "Bankgiro", "ocr": "OCR-nummer", "amount": "Belopp",
        "payee": "Betalningsmottagare", "slip": "Inbetalning", "on_behalf": "på uppdrag av",
        "instalment": "Delbetalning", "instalments": "Delbetalningar", "no_deadline": "Snarast",
        "creditor": "Borgenär", "agency": "Inkassoombud",
        "first_instalment": "Första delbetalning", "debt_total": "Skuld totalt",
    },
    "en": {
        "date": "Date", "customer_number": "Customer number", "reference": "OCR reference", "invoice": "Invoice",
        "invoice_number": "Invoice number", "invoice_date": "Invoice date", "due_date": "Due date",
        "page": "Page", "sender": "Sender", "org_number": "Company reg. no.", "phone": "Phone", "email": "E-mail",
        "principal": "Principal (unpaid part of the invoice)", "interest": "Late-payment interest",
        "interest_period": "{start} – {end}, {days} days, {rate} on {principal}",
        "total": "Amount to pay", "amount_kr": "Amount, SEK", "item": "Specification",
        "pay_by": "Pay by", "bankgiro": "Bankgiro", "ocr": "OCR reference", "amount": "Amount",
        "payee": "Payee", "slip": "Payment", "on_behalf": "on behalf of",
        "instalment": "Instalment", "instalments": "Instalments", "no_deadline": "Immediately",
        "creditor": "Creditor", "agency": "Collection agency",
        "first_instalment": "First instalment", "debt_total": "Total debt",
    },
}

TITLES = {
    "sv": {"reminder": "Påminnelse", "collection_demand": "Inkassokrav",
           "payment_order_notice": "Ansökan om betalningsföreläggande",
           "payment_plan": "Avbetalningsplan"},
    "en": {"reminder": "Payment reminder", "collection_demand": "Debt collection demand",
           "payment_order_notice": "Payment order application",
           "payment_plan": "Payment plan"},
}
