"""A ledger file's rejected rows as the portal says them: the file's columns by their names,
and each reason in the page's language, from the code the importer gives it
(`core.filereport.RowError`). A reason without a code is shown as the importer wrote it (in English)."""
from django.utils.translation import gettext_lazy as _

COLUMNS = {
    "customer_number": _("Kundnummer"), "customer_name": _("Namn"), "customer_type": _("Kundtyp"),
    "identity_number": _("Person- eller organisationsnummer"), "invoice_number": _("Fakturanummer"),
    "invoice_date": _("Fakturadatum"), "due_date": _("Förfallodatum"), "amount": _("Belopp"),
    "open_amount": _("Öppet belopp"), "paid_on": _("Betaldatum"), "credited_invoice": _("Krediterad faktura"),
    "credited_on": _("Krediteringsdatum"), "currency": _("Valuta"), "country": _("Land"), "email": _("E-post"),
    "phone": _("Telefon"), "address": _("Adress"), "postal_code": _("Postnummer"), "city": _("Ort"),
    "language": _("Språk"), "reminder_fee_agreed": _("Påminnelseavgift avtalad"), "vip": _("VIP"),
}
REASONS = {
    "required": _("måste fyllas i"),
    "amount": _("är inte ett belopp: skriv till exempel 1 234,50"),
    "amount_zero": _("en faktura på 0 kr är ingen fordran"),
    "date": _("är inte ett datum: skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD"),
    "date_range": _("ska ligga mellan %(earliest)s och %(latest)s"),
    "due_before_invoice": _("ligger före fakturadatumet %(invoice_date)s"),
    "open_amount_range": _("ska ligga mellan 0 och fakturans belopp %(amount)s kr"),
    "credit_note_names_invoice": _("ett negativt belopp är en kreditnota och ska ange fakturan den krediterar"),
    "credit_date_not_credit_note": _("bara en kreditnota (ett negativt belopp) har ett krediteringsdatum"),
    "credit_note_future": _("en kreditnota räknas från sitt datum, som inte kan ligga efter i dag; ange dagen den "
                            "utfärdades"),
    "customer_type": _("ska vara företag eller privatperson"),
    "identity_characters": _("får bara innehålla siffrorna 0–9, '-' eller '+'"),
    "identity": _("är inte ett giltigt person- eller organisationsnummer"),
    "one_of": _("ska vara något av: %(choices)s"),
    "currency": _("ska vara en valutakod med tre bokstäver, till exempel SEK"),
    "country": _("ska vara en landskod med två bokstäver, till exempel SE"),
    "email": _("är inte en e-postadress"),
    "yes_no": _("ska vara ja eller nej"),
    "too_long": _("är längre än %(limit)s tecken"),
    "control_character": _("innehåller ett styrtecken (%(character)s)"),
    "duplicate_invoice": _("finns redan på rad %(row)s"),
    "customer_differs": _("kund %(customer)s har %(value)s på rad %(row)s"),
    # Conflicts with what is stored (intake.checks).
    "invoice_other_customer": _("faktura %(invoice)s tillhör kund %(customer)s"),
    "invoice_handed_over": _("faktura %(invoice)s lämnades över med %(value)s här; en överlämnad faktura ändras "
                             "inte (skicka en kreditnota i stället)"),
    "open_amount_rose": _("har ökat från %(before)s kr: ett öppet belopp kan bara minska"),
    "credited_unknown": _("fakturan finns varken här eller i filen"),
    "credited_other_customer": _("den krediterade fakturan %(invoice)s tillhör kund %(customer)s"),
    "credited_not_collected": _("fakturan är inte under indrivning (den betalades innan den lämnades över)"),
    "credit_before_invoice": _("en kreditnota räknas från sitt datum, och den krediterade fakturan %(invoice)s är "
                               "daterad %(invoice_date)s: den kan inte krediteras innan den utfärdades"),
    "reference_rate_missing": _("räntan från den dagen behöver referensräntan för halvåret från %(half_year)s, som "
                                "saknas: lägg in den (manage.py set_reference_rate %(half_year)s RÄNTA) och importera "
                                "igen"),
}


FAILURES = {
    "unreadable": _("Filen kunde inte läsas: %(reason)s."),
    "preview_unexpected": _("Granskningen avbröts av ett oväntat fel. Inget importerades; ladda upp filen igen."),
    "rejected": _("%(rejected)s av %(rows)s rader avvisades; inget importerades."),
    "refused": _("Importen avbröts: %(reason)s. Inget importerades."),
    "unexpected": _("Importen avbröts av ett oväntat fel. Inget importerades."),
}


def failure_text(upload) -> str:
    """Why a large file's preview or import (a worker's, `intake.tasks`) failed, in the page's language."""
    meta = upload.meta
    text = FAILURES.get(meta.get("failure", ""))
    if text is None:
        return meta.get("message", "")  # a status written before the failures had codes
    return text % {"reason": meta.get("reason", ""), "rejected": number(meta.get("rejected", 0)),
                   "rows": number(meta.get("rows", 0))}


def number(n: int) -> str:
    """`12 500`: thousands apart by a non-breaking space, as Swedish writes them."""
    return f"{n:,}".replace(",", "\u00a0")


def problem_row(problem) -> dict:
    """One rejected row for the page: row, the column's name, the value, and the reason."""
    reason = REASONS.get(problem.code)
    return {"row": problem.row, "column": COLUMNS.get(problem.column, problem.column), "value": problem.value,
            "reason": reason % dict(problem.params) if reason is not None else problem.reason}
