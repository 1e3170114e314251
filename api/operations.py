"""Each API operation's one-line summary on the docs page, and its description where the
view's docstring (which drf-spectacular reads otherwise) speaks of its class, not of it.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]). An
operation a view already summarises keeps its words; tests/api/test_schema.py fails on an
operation with no summary, so a new route says what it does.
"""
SUMMARIES = {
    "cases_list": "Cases, a page at a time, or what changed since a time",
    "cases_retrieve": "One case: balances as of a day, next step, events, letters, limitation date",
    "debtors_list": "Debtors, a page at a time, or what changed since a time",
    "debtors_retrieve": "One debtor: its category and why",
    "debtors_partial_update": "Mark a debtor VIP, or override its category for a while",
    "invoices_create": "Hand over invoices: one, or a list of up to 1 000, all or nothing",
    "letters_list": "Letters sent, a page at a time, or what changed since a time",
    "letter_pdf": "A letter's archived PDF, exactly as sent",
    "payments_list": "Payments, a page at a time, or what changed since a time",
    "payments_create": "Report a payment the debtor made to the creditor: allocated as the law says",
    "payments_retrieve": "One payment",
    "policies_list": "The ladders, one per debtor category",
    "policies_retrieve": "One category's ladder",
    "policies_replace": "Replace a category's ladder: checked against the law, the rule named",
    "webhooks_list": "Webhook endpoints",
    "webhooks_create": "Register a webhook endpoint: its secret is shown once",
    "webhooks_retrieve": "One webhook endpoint",
    "webhooks_partial_update": "Change an endpoint's URL, events, description or whether it is on",
    "webhooks_destroy": "Remove a webhook endpoint and its deliveries",
    "webhooks_deliveries_list": "An endpoint's latest deliveries, or its failed ones",
    "webhooks_events_replay_create": "Send an event to an endpoint again",
    "webhooks_rotate_secret_create": "Rotate an endpoint's secret: the old one signs too for a grace period",
}
# Where the view's docstring describes its class (the viewset, a mixin), say what the operation does.
DESCRIPTIONS = {
    "cases_retrieve": "The case with its balance (principal, fees, interest) as of `as_of` (default today), its "
                      "next step, its events in the reader's language, its letters and its limitation date.",
    "debtors_retrieve": "The debtor, its category (risk, normal, VIP), since when, the reasons for it in the "
                        "reader's language, and any override.",
    "debtors_partial_update": "`vip` and `override` only; any other field is a 400 naming it.",
    "letter_pdf": "The PDF archived when the letter was rendered, byte for byte (`ETag` and `X-Content-SHA256` "
                  "hold its SHA-256); 409 `letter_not_rendered` before then.",
    "payments_retrieve": "The payment and its case (null while it is not matched to one).",
    "cases_document_file": "The document's bytes as stored, typed by the upload's check (a PDF, or a PNG or JPEG "
                           "re-encoded without its metadata), as an attachment; `X-Content-SHA256` holds its "
                           "SHA-256. A document of another case is a 404.",
    "cases_pause": "The case waits: its ladder takes no step until the day given (the daily cycle resumes it "
                   "then) or until resumed.",
    "cases_resume": "The case goes back to the stage it was held in and its next step is planned again. A "
                    "disputed case resumes only through an agent's decision (409 `dispute_undecided`).",
    "cases_withdraw": "The creditor withdraws the claim: the case closes as withdrawn and no step follows.",
}
GENERIC = ("Cases of the API client's creditor", "Debtors of the API client's creditor", "The creditor's payments.",
           "The creditor's ladders", "For an endpoint whose success is not JSON")


def summarize(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            name = operation["operationId"]
            if not operation.get("summary") and name in SUMMARIES:
                operation["summary"] = SUMMARIES[name]
            if name in DESCRIPTIONS:
                operation["description"] = DESCRIPTIONS[name]
            elif operation.get("description", "").startswith(GENERIC):
                operation.pop("description")  # the summary says it; the class's words would not
    return result
