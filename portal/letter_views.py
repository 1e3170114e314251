"""The creditor's letters: the design (variant and logo) and a preview of each kind.

Every member sees the settings and the previews; only the creditor's administrators change
the design. A preview is one of the creditor's own open cases as its letter would be sent
today, under the design as it stands: rendered in the request, stored nowhere. A logo is
checked and re-encoded by `letters.design` (a hostile upload is refused in the page's language here).
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.stages import Stage
from core.errors import ApplicationError
from creditors.models import Role
from dunning.balances import case_letter_record
from letters.design import LOGO_MAX_BYTES, letter_design_set
from letters.models import LetterDesign, LetterKind, Variant
from letters.rendering import letter_preview_pdf

from .creditor import creditor_view, member_role

# The kinds a preview shows: a payment plan's letter needs its instalments, agreed by an agent.
PREVIEWED = (LetterKind.REMINDER, LetterKind.COLLECTION_DEMAND, LetterKind.PAYMENT_ORDER_NOTICE)
# `letters.design`'s refusals, by their codes, in the page's language.
REFUSED = {"logo_too_large": gettext_lazy("Logotypen får vara högst %(mb)s MB."),
           "logo_format": gettext_lazy("Logotypen ska vara en PNG- eller JPEG-bild."),
           "logo_too_many_pixels": gettext_lazy("Logotypen är för stor; håll den under 16 megapixlar.")}


def _sample_case() -> Case | None:
    """The creditor's latest open case, to preview a letter with."""
    return (Case.objects.select_related("invoice", "debtor", "creditor").exclude(stage=Stage.CLOSED)
            .order_by("-opened_on", "-id").first())


@creditor_view()
def letter_settings(request):
    design = LetterDesign.objects.filter(creditor=request.creditor).first()
    return render(request, "design/letters.html", {
        "design": design, "variant": design.variant if design else Variant.STANDARD, "variants": Variant.choices,
        "kinds": [(kind, kind.label) for kind in PREVIEWED], "sample": _sample_case(),
        "may_change": member_role(request) == Role.ADMIN, "logo_max_mb": LOGO_MAX_BYTES // (1024 * 1024),
    })


@creditor_view(write=True)
@require_POST
def letter_design(request):
    if member_role(request) != Role.ADMIN:
        raise PermissionDenied("Only the creditor's administrators change its letters.")
    variant = request.POST.get("variant") or None
    if variant is not None and variant not in Variant.values:
        messages.error(request, _("Inget sparades: välj en av varianterna."))
        return redirect("portal:letter_settings")
    upload = request.FILES.get("logo")
    try:
        letter_design_set(creditor=request.creditor, variant=variant, logo=upload.read() if upload else None,
                          remove_logo=request.POST.get("remove_logo") == "yes" and upload is None)
    except ApplicationError as error:
        reason = (REFUSED[error.code] % {"mb": LOGO_MAX_BYTES // (1024 * 1024)} if error.code in REFUSED
                  else error.message)
        messages.error(request, _("Inget sparades: %(reason)s") % {"reason": reason})
    else:
        messages.success(request, _("Brevens utseende är sparat; nya brev skrivs med det. "
                                    "Skickade brev behåller sitt."))
    return redirect("portal:letter_settings")


@creditor_view()
def letter_preview(request, kind: str):
    if kind not in PREVIEWED:
        raise Http404("No such letter kind.")
    case = _sample_case()
    if case is None:
        raise Http404("No open case to preview a letter with.")
    today = timezone.localdate()
    values = case_letter_record(case=case, kind=kind, sent_on=today, deadline=today + datetime.timedelta(days=10))
    response = HttpResponse(letter_preview_pdf(values), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="forhandsvisning-{kind}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
