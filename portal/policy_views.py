"""The creditor's policies: the three ladders drawn side by side, and each edited as a form.

Every member sees them; only the creditor's administrators change them (a staff member's
or a read-only member's forged POST answers 403). A ladder that breaks the law is refused
with the rule named on its field, and nothing changes; a saved one replans the category's
open cases (`dunning.services.policy_replace_steps`), a large category's in the background.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from creditors.models import Role
from debtors.models import Category
from dunning.models import Policy
from dunning.planning import replans_in_background
from dunning.selectors import ladders_by_category
from dunning.services import policy_replace_steps

from .creditor import creditor_view, member_role
from .flow import ladders_svg
from .policy_forms import FIELDS, LadderFormSet
from .refusals import refusal


@creditor_view()
def policy_overview(request):
    ladders = ladders_by_category()
    return render(request, "policies/overview.html", {
        "flow": ladders_svg(ladders),
        "columns": [(value, label, ladders.get(value, [])) for value, label in Category.choices],
        "may_change": member_role(request) == Role.ADMIN,
    })


def _policy(category: str) -> Policy:
    policy = Policy.objects.filter(category=category).first()
    if category not in Category.values or policy is None:
        raise Http404("No such policy.")
    return policy


@creditor_view()
def policy_edit(request, category: str):
    policy = _policy(category)
    may_change = member_role(request) == Role.ADMIN
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("Only the creditor's administrators change its policies.")
        formset = LadderFormSet(request.POST, prefix="steps")
        if formset.is_valid():
            try:
                policy_replace_steps(policy=policy, steps=formset.steps(), actor=request.user)
            except ApplicationError as error:
                messages.error(request, _("Inget sparades: %(reason)s") % {"reason": refusal(error)})
            else:
                messages.success(request, _saved(category))
                return redirect("portal:policy_overview")
        else:
            messages.error(request, _("Inget sparades: trappan bryter mot reglerna nedan."))
    else:
        formset = LadderFormSet(prefix="steps", initial=[_initial(step) for step in policy.steps.order_by("number")])
    return render(request, "policies/edit.html", {
        "policy": policy, "category": Category(category), "formset": formset, "may_change": may_change,
    })


def _saved(category: str) -> str:
    name = "VIP" if category == Category.VIP else Category(category).label.lower()
    if replans_in_background(category):
        return _("Trappan för %(name)s är sparad. De öppna ärendena planeras om efter den i bakgrunden, på någon "
                 "minut; inget steg tas längre efter den gamla trappan.") % {"name": name}
    return _("Trappan för %(name)s är sparad; öppna ärenden planeras om efter den.") % {"name": name}


def _initial(step) -> dict:
    """A step as its row starts: the fee as Swedes write it (`60,00`)."""
    values = {name: getattr(step, name) for name in FIELDS}
    values["fee_amount"] = f"{step.fee_amount:.2f}".replace(".", ",")
    return values
