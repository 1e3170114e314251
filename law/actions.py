"""The words of the ladder, defined once: the step actions and the fee kinds.

Each is an `enum.StrEnum`: a member is its string, so it compares equal to what the
database stores and to what a policy or the API spells. The model choices are derived
from them (`Action.choices()`, `FeeKind.choices()`), with their Swedish labels, translated
lazily: a label reads in the active language (Swedish unless a page chose English).
"""
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]


class Action(_Labelled):
    """What a step of a policy's ladder does."""

    REMINDER = "reminder"  # påminnelse
    PHONE_CALL = "phone_call"  # an agent calls the debtor (the PS method's VIPs)
    COLLECTION_DEMAND = "collection_demand"  # inkassokrav
    PAYMENT_ORDER = "payment_order"  # ansökan om betalningsföreläggande (Kronofogden)

    @classmethod
    def _labels(cls) -> dict:
        return ACTION_LABELS


ACTION_LABELS = {
    Action.REMINDER: _("Påminnelse"),
    Action.PHONE_CALL: _("Telefonsamtal"),
    Action.COLLECTION_DEMAND: _("Inkassokrav"),
    Action.PAYMENT_ORDER: _("Betalningsföreläggande"),
}
LETTER_ACTIONS = (Action.REMINDER, Action.COLLECTION_DEMAND, Action.PAYMENT_ORDER)  # each sends a letter


class FeeKind(_Labelled):
    """The fees the law allows a creditor to charge a debtor (LAW.md, "Fees")."""

    REMINDER_FEE = "reminder_fee"  # påminnelseavgift
    COLLECTION_FEE = "collection_fee"  # inkassoavgift
    LATE_PAYMENT_COMPENSATION = "late_payment_comp"  # förseningsersättning
    PAYMENT_PLAN_FEE = "payment_plan_fee"
    PAYMENT_ORDER_FEE = "payment_order_fee"  # Kronofogden's application fee
    PAYMENT_ORDER_WORK = "payment_order_work"  # drawing up the application

    @classmethod
    def _labels(cls) -> dict:
        return FEE_LABELS


FEE_LABELS = {
    FeeKind.REMINDER_FEE: _("Påminnelseavgift"),
    FeeKind.COLLECTION_FEE: _("Inkassoavgift"),
    FeeKind.LATE_PAYMENT_COMPENSATION: _("Förseningsersättning"),
    FeeKind.PAYMENT_PLAN_FEE: _("Avgift för avbetalningsplan"),
    FeeKind.PAYMENT_ORDER_FEE: _("Ansökningsavgift för betalningsföreläggande"),
    FeeKind.PAYMENT_ORDER_WORK: _("Upprättande av ansökan om betalningsföreläggande"),
}
