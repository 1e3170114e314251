"""The case list's search and filters, as the creditor's staff type them into the page's form.

The form reads the query string: a value it does not know (a stage that does not exist,
an amount in words) is dropped with a message beside its field, and the list
shows what the rest asks. It builds the `cases.search.CaseQuery` the list and its export
share, so the export holds exactly the rows the list shows.
"""
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from cases.search import DEFAULT_SORT, SORTS, CaseQuery
from cases.stages import HoldReason, Stage
from debtors.models import Category
from dunning.models import QueueKind
from dunning.selectors import cases_waiting
from law.actions import Action

from .agent_forms import AmountField
from .overview import AGEING, cases_nearing_limitation

# Days past the due date: the ageing buckets of the overview.
OVERDUE = {key: (first, last) for key, _, first, last in AGEING}
# Work that waits on a case: `?needs=` links from the overview.
NEEDS = {"dispute": QueueKind.DISPUTE_REVIEW, "address_missing": QueueKind.ADDRESS_MISSING,
         "payment_order": QueueKind.PAYMENT_ORDER_REVIEW}
OPEN = "open"  # every stage but closed
LIMITATION = "limitation"  # open cases within `cases.limitation.WARN_DAYS` of limitation, or past it
SORT_LABELS = {"opened": gettext_lazy("Öppnat"), "due": gettext_lazy("Förfallodag"), "amount": gettext_lazy("Belopp"),
               "debtor": gettext_lazy("Kund"), "next": gettext_lazy("Nästa steg"), "invoice": gettext_lazy("Faktura")}
assert set(SORT_LABELS) == set(SORTS)


def _choices(pairs, empty=gettext_lazy("Alla")):
    return [("", empty), *pairs]


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Sök"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy(
                            "Namn, kundnummer, faktura, OCR eller personnummer")}))
    stage = forms.ChoiceField(label=gettext_lazy("Steg"), required=False,
                              choices=_choices([(OPEN, gettext_lazy("Alla öppna")), *Stage.choices]))
    hold = forms.ChoiceField(label=gettext_lazy("Vilande för"), required=False, choices=_choices(HoldReason.choices))
    category = forms.ChoiceField(label=gettext_lazy("Kategori"), required=False, choices=_choices(Category.choices))
    overdue = forms.ChoiceField(label=gettext_lazy("Dagar efter förfallodagen"), required=False,
                                choices=_choices([(key, label) for key, label, _, _ in AGEING]))
    amount_min = AmountField(label=gettext_lazy("Belopp från"), required=False)
    amount_max = AmountField(label=gettext_lazy("Belopp till"), required=False)
    next = forms.ChoiceField(label=gettext_lazy("Nästa steg"), required=False, choices=_choices(Action.choices()))
    needs = forms.ChoiceField(label=gettext_lazy("Väntar på"), required=False, choices=_choices(
        [(key, QueueKind(kind).label) for key, kind in NEEDS.items()]
        + [(LIMITATION, gettext_lazy("Snart preskriberat"))]))
    sort = forms.ChoiceField(label=gettext_lazy("Sortera"), required=False, choices=[
        (f"{direction}{key}", format_lazy("{} {}", label, arrow)) for key, label in SORT_LABELS.items()
        for direction, arrow in (("-", "↓"), ("", "↑"))])

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = gettext_lazy("Okänt val; filtret används inte.")
        self.is_valid()

    def query(self) -> CaseQuery:
        """The search the valid fields ask for (an invalid field narrows nothing)."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        low, high = OVERDUE.get(data.get("overdue") or "", (None, None))
        needs = data.get("needs") or ""
        if needs == LIMITATION:
            waiting = cases_nearing_limitation(today=timezone.localdate()).values("pk")
        else:
            waiting = cases_waiting(NEEDS[needs]) if needs in NEEDS else None
        return CaseQuery(text=data.get("q") or "", stage=data.get("stage") or None,
                         hold_reason=data.get("hold") or None, category=data.get("category") or None,
                         overdue_min=low, overdue_max=high, amount_min=data.get("amount_min"),
                         amount_max=data.get("amount_max"), next_action=data.get("next") or None,
                         case_ids=waiting,
                         sort=data.get("sort") or DEFAULT_SORT)

    @property
    def narrowed(self) -> bool:
        """Whether anything but the order narrows the list."""
        return any(value for name, value in self.cleaned_data.items() if name != "sort" and name not in self.errors)
