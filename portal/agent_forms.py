"""The agents' forms: what a call, a review or a dispute ended in, an address, a payment's case.

Each form checks what an agent types (dates, Swedish amounts, instalment lines) and says
in the page's language what is wrong with which field; the service then checks the claim itself
(`dunning.queue.queue_decide`) and refuses without storing anything.
"""
import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import parse_amount
from dunning.models import Outcome, QueueKind
from dunning.queue import CALL_KINDS, FOLLOW_UP_KINDS, OUTCOMES_OF_KIND

# What each kind of item offers an agent, in the order shown ("agreement" is a promise or a plan).
OFFERED = {
    QueueKind.PHONE_CALL: [Outcome.PROMISED, Outcome.PAYMENT_PLAN, Outcome.NO_AGREEMENT, Outcome.NO_ANSWER,
                           Outcome.WRONG_NUMBER, Outcome.WAIVED],
    QueueKind.PAYMENT_ORDER_REVIEW: [Outcome.APPROVED, Outcome.REJECTED],
    QueueKind.DISPUTE_REVIEW: [Outcome.DISMISSED, Outcome.WRITTEN_DOWN, Outcome.CREDITED, Outcome.UPHELD],
    # A follow-up call: a new promise or plan, or the ladder goes on (it already has).
    QueueKind.PROMISE_BROKEN: [Outcome.PROMISED, Outcome.PAYMENT_PLAN, Outcome.NO_AGREEMENT, Outcome.NO_ANSWER,
                               Outcome.WRONG_NUMBER],
    QueueKind.PLAN_BROKEN: [Outcome.PROMISED, Outcome.PAYMENT_PLAN, Outcome.NO_AGREEMENT, Outcome.NO_ANSWER,
                            Outcome.WRONG_NUMBER],
}
assert all(set(offered) <= OUTCOMES_OF_KIND[kind] for kind, offered in OFFERED.items())
DECIDED_KINDS = frozenset(OFFERED)  # an "address missing" item closes when the address is set


class AmountField(forms.CharField):
    """An amount as Swedes write it: `1 234,50`."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_amount(value)
        except ValueError:
            raise forms.ValidationError(_("Ange ett belopp i kronor, till exempel 1 234,50.")) from None


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Välj utfall"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    promise_on = forms.DateField(label=_("Betalas senast"), required=False,
                                 error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD.")})
    promise_amount = AmountField(label=_("Lovat belopp"), required=False)
    instalments = forms.CharField(label=_("Delbetalningar (en per rad: datum belopp)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    write_down = AmountField(label=_("Skrivs ned med (kr)"), required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        labels = {Outcome.NO_ANSWER: _("Inget svar (stegen har redan gått vidare)")} if kind in FOLLOW_UP_KINDS else {}
        self.fields["outcome"].choices = [(o.value, labels.get(o, o.label)) for o in OFFERED[kind]]
        self.fields["outcome"].error_messages["invalid_choice"] = _("Välj ett av utfallen i listan.")
        self.fields["outcome"].error_messages["required"] = _("Välj ett utfall.")
        if kind not in CALL_KINDS:
            for name in ("promise_on", "promise_amount", "instalments"):
                del self.fields[name]
        if kind != QueueKind.DISPUTE_REVIEW:
            del self.fields["write_down"]

    def clean_instalments(self) -> list[tuple[datetime.date, Decimal]] | None:
        text = self.cleaned_data.get("instalments", "")
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            day, _space, amount = line.strip().partition(" ")
            try:
                rows.append((datetime.date.fromisoformat(day), parse_amount(amount)))
            except ValueError:
                raise forms.ValidationError(
                    _("Rad %(number)s: skriv datum och belopp, till exempel 2027-01-31 1 000,00 (stod: %(line)s).")
                    % {"number": number, "line": repr(line.strip())}
                ) from None
        return rows or None

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.PROMISED:
            if not data.get("promise_on"):
                self.add_error("promise_on", _("Ett betalningslöfte behöver ett datum."))
            if not data.get("promise_amount"):
                self.add_error("promise_amount", _("Ett betalningslöfte behöver ett belopp."))
        if outcome == Outcome.PAYMENT_PLAN and not data.get("instalments"):
            self.add_error("instalments", _("En avbetalningsplan behöver minst en delbetalning."))
        if outcome == Outcome.WRITTEN_DOWN and not data.get("write_down"):
            self.add_error("write_down", _("Ange hur mycket kravet skrivs ned."))
        return data

    def decision(self) -> dict:
        """queue_decide's keyword arguments for what the form holds."""
        data = self.cleaned_data
        outcome = data["outcome"]
        return {"outcome": outcome, "note": data.get("note", ""),
                "promise": (data["promise_on"], data["promise_amount"]) if outcome == Outcome.PROMISED else None,
                "instalments": data["instalments"] if outcome == Outcome.PAYMENT_PLAN else None,
                "write_down": data["write_down"] if outcome == Outcome.WRITTEN_DOWN else None}


class AddressForm(forms.Form):
    address = forms.CharField(label=_("Gatuadress"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postnummer"), max_length=6, required=False)
    city = forms.CharField(label=_("Ort"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-post"), required=False,
                             error_messages={"invalid": _("Ange en giltig e-postadress.")})


class AssignForm(forms.Form):
    case = forms.CharField(label=_("Ärende (nummer eller OCR-referens)"), max_length=25,
                           error_messages={"required": _("Ange ärendets nummer eller OCR-referens.")})
