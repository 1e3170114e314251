"""What the creditor's staff do to a case from its page, each a form that says in the page's
language which field is wrong; the services (`dunning.holds`, `payments.services`,
`cases.services`) then check the case itself and refuse without storing anything."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.services import NOTE_LENGTH
from dunning.documents import MAX_BYTES

from .agent_forms import AmountField

DATE_ERRORS = {"invalid": gettext_lazy("Ange datumet som ÅÅÅÅ-MM-DD.")}


class DateInput(forms.DateInput):
    input_type = "date"


class PauseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Varför"), max_length=500,
                           error_messages={"required": gettext_lazy("Skriv varför ärendet pausas.")})
    until = forms.DateField(label=gettext_lazy("Till och med (tomt: tills ni återupptar det)"), required=False,
                            widget=DateInput, error_messages=DATE_ERRORS)

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until <= timezone.localdate():
            raise forms.ValidationError(_("En paus varar till en dag efter i dag."))
        return until


class ResumeForm(forms.Form):
    """Resuming asks nothing: the case goes on where it was held."""


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy("Ja, återkalla kravet och avsluta ärendet"),
                                 error_messages={"required": gettext_lazy("Kryssa i att ni vill återkalla kravet.")})


class PaymentForm(forms.Form):
    amount = AmountField(label=gettext_lazy("Belopp (kr)"), error_messages={"required": gettext_lazy("Ange beloppet.")})
    paid_on = forms.DateField(label=gettext_lazy("Betalningsdag"), widget=DateInput,
                              error_messages={**DATE_ERRORS,
                                              "required": gettext_lazy("Ange dagen gäldenären betalade.")})
    reference = forms.CharField(label=gettext_lazy("Er referens (frivillig)"), max_length=100, required=False)

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Beloppet är större än 0 kr."))
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data.get("paid_on")
        if paid_on is not None and paid_on > timezone.localdate():
            raise forms.ValidationError(_("En betalning kan inte ha kommit in i framtiden."))
        if paid_on is not None and paid_on < timezone.localdate() - datetime.timedelta(days=3650):
            raise forms.ValidationError(_("Dagen ligger mer än tio år bakåt; kontrollera den."))
        return paid_on


class DisputeForm(forms.Form):
    """The debtor's dispute as the creditor heard it, or the creditor's answer to one; a document may go with it."""

    text = forms.CharField(label=gettext_lazy("Vad gäller det"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": gettext_lazy("Skriv vad bestridandet gäller.")})
    document = forms.FileField(label=gettext_lazy("Handling (PDF, PNG eller JPEG, frivillig)"), required=False,
                               error_messages={"empty": gettext_lazy("Filen är tom.")})

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is not None and document.size > MAX_BYTES:
            raise forms.ValidationError(_("Filen är större än %(mb)s MB, som är det största som tas emot.")
                                        % {"mb": MAX_BYTES // (1024 * 1024)})
        return document


class NoteForm(forms.Form):
    # The validator fills in %(limit_value)s: NOTE_LENGTH.
    text = forms.CharField(label=gettext_lazy("Anteckning"), max_length=NOTE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": gettext_lazy("Skriv anteckningen."),
                                           "max_length": gettext_lazy("Högst %(limit_value)s tecken.")})
