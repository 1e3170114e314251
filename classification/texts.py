"""A classification reason as a sentence a creditor understands, in Swedish or English."""

CATEGORY = {
    "sv": {"risk": "risk", "normal": "normal", "vip": "VIP"},
    "en": {"risk": "risk", "normal": "normal", "vip": "VIP"},
}


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _sv(code: str, p: dict) -> str:
    if code == "late_invoices":
        how = "betalades mer än {days} dagar för sent" + (" eller är fortfarande obetalda" if p["unpaid"] else "")
        return f"{p['late']} av de senaste {p['of']} fakturorna " + how.format(**p)
    if code == "credit_risk_class":
        return f"Kreditupplysningen från {p['source']} den {p['on']} anger riskklass {p['risk_class']} av 5"
    if code == "credit_score":
        return (f"Kreditupplysningen från {p['source']} den {p['on']} ger kreditbetyget {p['score']} "
                f"(under {p['below']})")
    if code == "payment_remarks":
        return (f"Kreditupplysningen från {p['source']} den {p['on']} visar {p['remarks']} "
                f"{_plural(p['remarks'], 'betalningsanmärkning', 'betalningsanmärkningar')}")
    if code == "credit_report_stale":
        return (f"Senaste kreditupplysningen (från {p['source']} den {p['on']}) är äldre än {p['days']} dagar "
                f"och används inte")
    if code == "broken_plans":
        return f"{p['count']} {_plural(p['count'], 'avbetalningsplan', 'avbetalningsplaner')} har brutits de senaste 12 månaderna"
    if code == "broken_promises":
        return f"{p['count']} {_plural(p['count'], 'betalningslöfte', 'betalningslöften')} har brutits de senaste 12 månaderna"
    if code == "payment_orders":
        return (f"{p['count']} {_plural(p['count'], 'ärende', 'ärenden')} har gått till betalningsföreläggande "
                f"de senaste 12 månaderna")
    if code == "vip":
        return "Utsedd till VIP av borgenären"
    if code == "override":
        return (f"Satt till {CATEGORY['sv'][p['category']]} för hand till och med {p['until']}"
                + (f": {p['note']}" if p["note"] else ""))
    if code == "no_risk_signals":
        return (f"Inga risksignaler: {p['invoices']} {_plural(p['invoices'], 'faktura', 'fakturor')} de senaste "
                f"12 månaderna, {p['late']} av {p['of']} betalda mer än {p['days']} dagar för sent")
    raise KeyError(code)


def _en(code: str, p: dict) -> str:
    if code == "late_invoices":
        how = "paid more than {days} days late" + (" or are still unpaid" if p["unpaid"] else "")
        return f"{p['late']} of the last {p['of']} invoices were " + how.format(**p)
    if code == "credit_risk_class":
        return f"The credit report from {p['source']} of {p['on']} gives risk class {p['risk_class']} of 5"
    if code == "credit_score":
        return f"The credit report from {p['source']} of {p['on']} gives a credit score of {p['score']} (below {p['below']})"
    if code == "payment_remarks":
        return (f"The credit report from {p['source']} of {p['on']} lists {p['remarks']} payment "
                f"{_plural(p['remarks'], 'remark', 'remarks')}")
    if code == "credit_report_stale":
        return (f"The latest credit report (from {p['source']} of {p['on']}) is older than {p['days']} days "
                f"and was not used")
    if code == "broken_plans":
        return f"{p['count']} payment {_plural(p['count'], 'plan was', 'plans were')} broken in the last 12 months"
    if code == "broken_promises":
        return f"{p['count']} {_plural(p['count'], 'promise', 'promises')} to pay broken in the last 12 months"
    if code == "payment_orders":
        return f"{p['count']} {_plural(p['count'], 'case', 'cases')} went to a payment order in the last 12 months"
    if code == "vip":
        return "Designated VIP by the creditor"
    if code == "override":
        return (f"Set to {CATEGORY['en'][p['category']]} by hand until {p['until']}"
                + (f": {p['note']}" if p["note"] else ""))
    if code == "no_risk_signals":
        return (f"No risk signals: {p['invoices']} {_plural(p['invoices'], 'invoice', 'invoices')} in the last "
                f"12 months, {p['late']} of {p['of']} paid more than {p['days']} days late")
    raise KeyError(code)


def reason_text(reason, language: str = "sv") -> str:
    """The sentence for one stored reason. A reason stored as plain text (a manual note) is shown as it is."""
    if isinstance(reason, str):
        return reason
    render = _en if language == "en" else _sv
    try:
        return render(reason["code"], reason.get("params", {}))
    except (KeyError, TypeError):
        return str(reason.get("code", reason))


def reasons_text(reasons, language: str = "sv") -> list[str]:
    return [reason_text(reason, language) for reason in reasons or []]
