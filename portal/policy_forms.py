"""A category's ladder as a form: one row per step, checked against the law before it is saved.

The law's check is `law.policy.validate_ladder` (through `dunning.services`); each rule it
finds broken is said here in Swedish, on the field it concerns (a fee over its cap on the
fee, a collection demand's short term on the term), with the rule's code and the law named,
so the creditor sees which rule and why.
"""
from django import forms
from django.utils import timezone

from core.money import format_sek
from dunning.models import MAX_CALL_RETRIES, Anchor
from dunning.services import ladder_violations
from law.actions import Action
from law.fees import MIN_COLLECTION_DEMAND_TERM_DAYS
from law.policy import ACTION_FEE_KIND
from law.selectors import fee_caps

from .agent_forms import AmountField

FIELDS = ("action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval", "call_retries")
# The field a broken rule is shown on (its code's first part); other rules concern the ladder as a whole.
RULE_FIELD = {"fee": "fee_amount", "term": "term_days", "approval": "requires_approval", "order": "action"}
FEE_LAW = "lag (1981:739) om ersättning för inkassokostnader m.m."


def rule_text(rule: str, step: dict | None) -> str:
    """A broken rule in Swedish, with the law it comes from."""
    if rule.startswith("fee.cap."):
        kind = ACTION_FEE_KIND[step["action"]]
        cap = fee_caps().cap(kind, timezone.localdate())
        return f"Avgiften får vara högst {format_sek(cap)} kr ({FEE_LAW}) [{rule}]"
    return {
        "ladder.empty": "En trappa behöver minst ett steg",
        "ladder.numbering": "Stegen numreras 1, 2, 3 … i ordning",
        "fee.negative": "En avgift kan inte vara negativ",
        "fee.phone_call": "Ett telefonsamtal får inte kosta gäldenären något",
        "fee.reminder.once": f"Bara en påminnelseavgift får tas ut per fordran; sätt det här stegets avgift till 0 "
                             f"({FEE_LAW})",
        "term.collection_demand": f"Ett inkassokrav ska ge minst {MIN_COLLECTION_DEMAND_TERM_DAYS} dagar att betala "
                                  f"eller invända (inkassolagen 5 §, god inkassosed)",
        "order.payment_order": "Betalningsföreläggande får bara följa efter ett inkassokrav",
        "approval.payment_order": "En handläggare ska godkänna ansökan om betalningsföreläggande innan den ges in",
    }.get(rule, rule) + ("" if rule.startswith("fee.cap.") else f" [{rule}]")


class StepForm(forms.Form):
    # An empty first choice: the empty row for a new step is left as it is, and is no step.
    action = forms.ChoiceField(label="Steg", choices=[("", "–"), *Action.choices()])
    anchor = forms.ChoiceField(label="Räknas från", choices=[("", "–"), *Anchor.choices])
    offset_days = forms.IntegerField(label="Dagar", min_value=0, max_value=365,
                                     error_messages={"min_value": "Minst 0 dagar.", "max_value": "Högst 365 dagar.",
                                                     "invalid": "Ange ett heltal."})
    term_days = forms.IntegerField(label="Frist (dagar)", min_value=0, max_value=90,
                                   error_messages={"min_value": "Minst 0 dagar.", "max_value": "Högst 90 dagar.",
                                                   "invalid": "Ange ett heltal."})
    fee_amount = AmountField(label="Avgift (kr)", required=False)
    requires_approval = forms.BooleanField(label="Handläggare godkänner", required=False)
    call_retries = forms.IntegerField(label="Nya försök (samtal)", min_value=0, max_value=MAX_CALL_RETRIES, initial=2,
                                      error_messages={"max_value": f"Högst {MAX_CALL_RETRIES} försök.",
                                                      "min_value": "Minst 0.", "invalid": "Ange ett heltal."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "Fyll i fältet."
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = "Välj ett av alternativen."


class BaseLadderFormSet(forms.BaseFormSet):
    def kept(self) -> list[StepForm]:
        """The rows kept: not deleted, and not the empty row left empty (it has no cleaned data)."""
        return [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]

    def steps(self) -> list[dict]:
        """The kept rows as the policy's steps, numbered in the order shown."""
        steps = []
        for number, row in enumerate((form.cleaned_data for form in self.kept()), start=1):
            step = {name: row.get(name) for name in FIELDS}
            step["fee_amount"] = step["fee_amount"] or 0
            step["call_retries"] = step["call_retries"] if step["call_retries"] is not None else 2
            steps.append({"number": number, **step})
        return steps

    def clean(self):
        if any(self.errors):
            return
        steps, kept = self.steps(), self.kept()
        ladder = [{key: value for key, value in step.items() if key != "call_retries"} for step in steps]
        general = []
        for violation in ladder_violations(ladder):
            step = steps[violation.step - 1] if violation.step else None
            text = rule_text(violation.rule, step)
            field = RULE_FIELD.get(violation.rule.split(".")[0])
            if step is not None and field:
                kept[violation.step - 1].add_error(field, text)
            else:
                general.append(f"{'Steg ' + str(violation.step) + ': ' if violation.step else ''}{text}")
        if general:
            raise forms.ValidationError(general)


LadderFormSet = forms.formset_factory(StepForm, formset=BaseLadderFormSet, extra=1, can_delete=True, max_num=12,
                                      validate_max=True)
