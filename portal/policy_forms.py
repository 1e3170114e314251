"""A category's ladder as a form: one row per step, checked against the law before it is saved.

The law's check is `law.policy.validate_ladder` (through `dunning.services`); each rule it
finds broken is said here in the page's language, on the field it concerns (a fee over its cap on the
fee, a collection demand's short term on the term), with the rule's code and the law named,
so the creditor sees which rule and why.
"""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# The law's own name, in Swedish in either language (as "inkassolagen" and "god inkassosed" below).
FEE_LAW = "lag (1981:739) om ersättning för inkassokostnader m.m."


def rule_text(rule: str, step: dict | None) -> str:
    """A broken rule in the page's language, with the law it comes from (named in Swedish)."""
    if rule.startswith("fee.cap."):
        kind = ACTION_FEE_KIND[step["action"]]
        cap = fee_caps().cap(kind, timezone.localdate())
        return _("Avgiften får vara högst %(cap)s kr (%(law)s) [%(rule)s]") % {
            "cap": format_sek(cap), "law": FEE_LAW, "rule": rule}
    values = {"law": FEE_LAW, "days": MIN_COLLECTION_DEMAND_TERM_DAYS}
    text = {
        "ladder.empty": _("En trappa behöver minst ett steg"),
        "ladder.numbering": _("Stegen numreras 1, 2, 3 … i ordning"),
        "fee.negative": _("En avgift kan inte vara negativ"),
        "fee.phone_call": _("Ett telefonsamtal får inte kosta gäldenären något"),
        "fee.reminder.once": _("Bara en påminnelseavgift får tas ut per fordran; sätt det här stegets avgift till 0 "
                               "(%(law)s)") % values,
        # Translators: "inkassolagen 5 §, god inkassosed" is the law's Swedish name: keep it as it is.
        "term.collection_demand": _("Ett inkassokrav ska ge minst %(days)s dagar att betala eller invända "
                                    "(inkassolagen 5 §, god inkassosed)") % values,
        "order.payment_order": _("Betalningsföreläggande får bara följa efter ett inkassokrav"),
        "approval.payment_order": _("En handläggare ska godkänna ansökan om betalningsföreläggande innan den ges in"),
    }.get(rule, rule)
    return f"{text} [{rule}]"


class StepForm(forms.Form):
    # An empty first choice: the empty row for a new step is left as it is, and is no step.
    action = forms.ChoiceField(label=gettext_lazy("Steg"), choices=[("", "–"), *Action.choices()])
    anchor = forms.ChoiceField(label=gettext_lazy("Räknas från"), choices=[("", "–"), *Anchor.choices])
    offset_days = forms.IntegerField(label=gettext_lazy("Dagar"), min_value=0, max_value=365,
                                     error_messages={"min_value": gettext_lazy("Minst 0 dagar."),
                                                     "max_value": gettext_lazy("Högst 365 dagar."),
                                                     "invalid": gettext_lazy("Ange ett heltal.")})
    term_days = forms.IntegerField(label=gettext_lazy("Frist (dagar)"), min_value=0, max_value=90,
                                   error_messages={"min_value": gettext_lazy("Minst 0 dagar."),
                                                   "max_value": gettext_lazy("Högst 90 dagar."),
                                                   "invalid": gettext_lazy("Ange ett heltal.")})
    fee_amount = AmountField(label=gettext_lazy("Avgift (kr)"), required=False)
    requires_approval = forms.BooleanField(label=gettext_lazy("Handläggare godkänner"), required=False)
    # The validator fills in %(limit_value)s: MAX_CALL_RETRIES.
    call_retries = forms.IntegerField(label=gettext_lazy("Nya försök (samtal)"), min_value=0,
                                      max_value=MAX_CALL_RETRIES, initial=2,
                                      error_messages={"max_value": gettext_lazy("Högst %(limit_value)s försök."),
                                                      "min_value": gettext_lazy("Minst 0."),
                                                      "invalid": gettext_lazy("Ange ett heltal.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = gettext_lazy("Fyll i fältet.")
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = gettext_lazy("Välj ett av alternativen.")


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
                general.append(_("Steg %(number)s: %(rule)s") % {"number": violation.step, "rule": text}
                               if violation.step else text)
        if general:
            raise forms.ValidationError(general)


LadderFormSet = forms.formset_factory(StepForm, formset=BaseLadderFormSet, extra=1, can_delete=True, max_num=12,
                                      validate_max=True)
