"""A service's refusal as the portal says it: in the page's language, from the code the service
gives it (`core.errors.ApplicationError.code`) and the values in its `detail`. A refusal with no
text here is shown as the service wrote it (in English, as the commands and the API say it)."""
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.money import format_sek
from dunning.models import Outcome

TEXTS = {
    # The agents' queue (dunning.workqueue, dunning.queue).
    "choose_agent": _("välj en av byråns handläggare."),
    "item_decided": _("uppgiften är redan avgjord."),
    "item_held": _("%(agent)s arbetar med uppgiften till kl. %(until)s; inget sparades."),
    "supervisor_assigns": _("bara en arbetsledare fördelar uppgifter."),
    "agency_staff_only": _("bara byråns personal arbetar i kön."),
    "auditor_reads": _("en granskare läser kön men ändrar ingenting."),
    "outcome_not_for_kind": _("det utfallet hör inte till den här sortens uppgift."),
    "supervisor_only": _("bara en arbetsledare får välja utfallet ”%(outcome)s”."),
    "write_down_amount": _("en nedskrivning anger sitt belopp, och bara en nedskrivning gör det."),
    "write_down_range": _("en nedskrivning är mer än 0 och mindre än det obetalda kapitalbeloppet "
                          "(%(principal)s kr; allt av det är en kreditering)."),
    "terms_without_agreement": _("ett betalningslöfte eller en avbetalningsplan hör till utfallet överenskommelse."),
    "promise_and_plan": _("en överenskommelse är ett betalningslöfte eller en avbetalningsplan, inte båda."),
    "agreement_terms_missing": _("ange vad som avtalades: ett betalningslöfte (datum och belopp) eller en "
                                 "avbetalningsplan (delbetalningarna)."),
    "promise_day_passed": _("ett betalningslöfte ska gälla en dag som inte har passerat (%(until)s)."),
    "promise_amount_range": _("ett betalningslöfte är mer än 0 och högst det som är skuld (%(owed)s kr)."),
    # A dispute's document (dunning.documents).
    "file_empty": _("filen är tom."),
    "file_too_large": _("filen är %(size)s byte; högst %(limit)s tas emot."),
    "pdf_cut_short": _("PDF-filen är avkortad (den saknar slut): skicka hela filen."),
    "document_type": _("ett dokument är en PDF, PNG eller JPEG; den här filen är inget av dem."),
    "image_too_large": _("bilden är större än 40 megapixlar."),
    # Payments an agent assigns or sets aside (payments.importing).
    "payment_allocated": _("betalningen är redan fördelad på ärende %(case)s."),
    "payment_is_duplicate": _("betalningen är bekräftad som dubblett av betalning %(original)s."),
    "payment_deduction": _("ett avdrag kan inte fördelas på ett ärende; reglera det med banken."),
    "payment_other_creditor": _("betalningen kom in till en annan borgenär."),
    "payment_not_duplicate": _("betalningen är ingen möjlig dubblett som väntar på en handläggare."),
    "payment_duplicate_confirmed": _("betalningen är redan bekräftad som dubblett."),
    # Payment orders at Kronofogden (dunning.legal).
    "filing_status": _("ansökan kan inte få den statusen härifrån."),
    "filing_date": _("statusdatumet ligger före det förra (%(last)s)."),
    # A debtor's category set by hand (classification).
    "override_category": _("en manuell kategori är risk eller normal; VIP anges för sig."),
    "override_until": _("en manuell kategori behöver ett slutdatum som inte har passerat."),
    "override_note": _("en manuell kategori behöver en anteckning om varför."),
}


def refusal(error: ApplicationError) -> str:
    """The refusal's reason in the page's language."""
    text = TEXTS.get(error.code)
    if text is None:
        return error.message
    detail = error.detail if isinstance(error.detail, dict) else {}
    try:
        return text % {name: _shown(name, value) for name, value in detail.items()}
    except (KeyError, TypeError):  # a detail without the values the text names: the service's own words
        return error.message


def _shown(name: str, value) -> str:
    """An outcome by its label, an amount in the detail (a Decimal as text) in Swedish form;
    anything else as it is."""
    if name == "outcome" and value in Outcome.values:
        return str(Outcome(value).label).lower()
    if isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit() and "." in value:
        try:
            return format_sek(Decimal(value))
        except InvalidOperation:
            return value
    return str(value)
