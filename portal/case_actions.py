"""What the creditor's staff do to a case from its page, and the case's letters as PDFs.

Every action is a POST for an editor of the creditor (a read-only member's forged POST
answers 403 and changes nothing), inside the creditor's scope: another creditor's case is
"not found", like one that does not exist. A form's error, or a service's refusal, is
shown on the case page, and nothing is stored; what was done is a timeline event with the
user's name.
"""
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import case_get
from cases.services import case_note_add
from cases.stages import OPEN_STAGES, HoldReason, Stage
from core.errors import ApplicationError, Conflict, NotFound
from core.money import format_sek
from dunning.documents import dispute_document_add
from dunning.holds import case_dispute, case_dispute_answer, case_pause, case_resume, case_withdraw
from letters.selectors import letter_archived_pdf
from payments.services import payment_register

from .case_action_forms import DisputeForm, NoteForm, PauseForm, PaymentForm, ResumeForm, WithdrawForm
from .creditor import creditor_view
from .refusals import refusal


def _case(case_id):
    try:
        return case_get(case_id)
    except NotFound:
        raise Http404("No such case.") from None


def _refused(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            if label:
                messages.error(request, _("Inget sparades. %(field)s: %(error)s") % {"field": label, "error": error})
            else:
                messages.error(request, _("Inget sparades. %(error)s") % {"error": error})


def _act(request, case_id, form_class, act) -> HttpResponse:
    """Check the form, run `act(case, data)` in one transaction, and say what came of it."""
    case = _case(case_id)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        _refused(request, form)
    else:
        try:
            with transaction.atomic():
                done = act(case, form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, _("Inget sparades: %(reason)s") % {"reason": refusal(error)})
        else:
            messages.success(request, done)
    return redirect("portal:case_detail", case_id=case.pk)


@creditor_view(write=True)
@require_POST
def pause(request, case_id: int):
    def act(case, data):
        if case.stage not in OPEN_STAGES:
            raise Conflict(_("ärendet vilar redan eller är avslutat; det kan inte pausas."))
        case_pause(case=case, on=timezone.localdate(), actor=request.user, until=data["until"], note=data["note"])
        if data["until"]:
            return _("Ärendet är pausat till %(until)s.") % {"until": data["until"].isoformat()}
        return _("Ärendet är pausat.")
    return _act(request, case_id, PauseForm, act)


@creditor_view(write=True)
@require_POST
def resume(request, case_id: int):
    def act(case, data):
        if case.stage != Stage.ON_HOLD:
            raise Conflict(_("ärendet vilar inte; det finns inget att återuppta."))
        if case.hold_reason == HoldReason.DISPUTE:
            raise Conflict(_("ett bestritt ärende återupptas när en handläggare har avgjort bestridandet."))
        case_resume(case=case, on=timezone.localdate(), actor=request.user)
        return _("Ärendet är återupptaget; stegen fortsätter där de stod.")
    return _act(request, case_id, ResumeForm, act)


@creditor_view(write=True)
@require_POST
def withdraw(request, case_id: int):
    def act(case, data):
        if case.stage == Stage.CLOSED:
            raise Conflict(_("ärendet är redan avslutat."))
        case_withdraw(case=case, on=timezone.localdate(), actor=request.user)
        return _("Kravet är återkallat och ärendet avslutat.")
    return _act(request, case_id, WithdrawForm, act)


@creditor_view(write=True)
@require_POST
def payment(request, case_id: int):
    def act(case, data):
        if not case.is_open and case.stage != Stage.ON_HOLD:
            raise Conflict(_("ärendet är avslutat; en betalning till det redovisas som överbetalning av byrån."))
        payment_register(case=case, amount=data["amount"], paid_on=data["paid_on"], reference=data["reference"],
                         actor=request.user)
        return _("Betalningen på %(amount)s kr är registrerad och fördelad.") % {"amount": format_sek(data["amount"])}
    return _act(request, case_id, PaymentForm, act)


@creditor_view(write=True)
@require_POST
def dispute(request, case_id: int):
    """A dispute the debtor made to the creditor, or the creditor's answer to an open one."""
    def act(case, data):
        today = timezone.localdate()
        answering = case.stage == Stage.ON_HOLD and case.hold_reason == HoldReason.DISPUTE
        if case.stage == Stage.CLOSED:
            raise Conflict(_("ärendet är avslutat; det finns inget krav att bestrida."))
        if case.stage == Stage.ON_HOLD and not answering:
            raise Conflict(_("ärendet vilar (%(reason)s); återuppta det innan ett bestridande registreras.")
                           % {"reason": str(case.get_hold_reason_display()).lower()})
        if answering:
            case_dispute_answer(case=case, on=today, text=data["text"], actor=request.user)
        else:
            case_dispute(case=case, on=today, actor=request.user, text=data["text"])
        if data["document"] is not None:
            dispute_document_add(case=case, name=data["document"].name, data=data["document"].read(),
                                 actor=request.user)
        return (_("Svaret är sparat med bestridandet.") if answering
                else _("Bestridandet är registrerat; ärendet vilar tills en handläggare har avgjort det."))
    return _act(request, case_id, DisputeForm, act)


@creditor_view(write=True)
@require_POST
def note(request, case_id: int):
    def act(case, data):
        case_note_add(case=case, text=data["text"], on=timezone.localdate(), actor=request.user)
        return _("Anteckningen är sparad.")
    return _act(request, case_id, NoteForm, act)


@creditor_view()
def letter_pdf(request, case_id: int, letter_id: int):
    """A letter of the case as it was sent: the archived PDF's bytes, never rendered again."""
    case = _case(case_id)
    if not case.letters.filter(pk=letter_id).exists():
        raise Http404("No such letter.")
    try:
        letter, data = letter_archived_pdf(letter_id)
    except ApplicationError:
        raise Http404("The letter has no PDF yet.") from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter.kind}-{case.pk}-{letter.sent_on:%Y%m%d}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
