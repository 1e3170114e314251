"""The PS method's default ladders, one per category. Creditors edit their copies."""
from decimal import Decimal

from debtors.models import Category
from law.actions import Action

from .models import Anchor

# (action, anchor, offset days, term days, fee, requires approval)
DEFAULT_LADDERS = {
    # Fast: remind soon after the due date, demand the first bank day after it lapses.
    Category.RISK: [
        (Action.REMINDER, Anchor.DUE_DATE, 3, 8, Decimal("60.00"), False),
        (Action.COLLECTION_DEMAND, Anchor.PREVIOUS_DEADLINE, 1, 8, Decimal("180.00"), False),
        (Action.PAYMENT_ORDER, Anchor.PREVIOUS_DEADLINE, 7, 0, Decimal("300.00"), True),
    ],
    Category.NORMAL: [
        (Action.REMINDER, Anchor.DUE_DATE, 10, 10, Decimal("60.00"), False),
        (Action.COLLECTION_DEMAND, Anchor.PREVIOUS_DEADLINE, 5, 10, Decimal("180.00"), False),
        (Action.PAYMENT_ORDER, Anchor.PREVIOUS_DEADLINE, 14, 0, Decimal("300.00"), True),
    ],
    # Soft: later and more reminders, and an agent calls before any collection demand.
    Category.VIP: [
        (Action.REMINDER, Anchor.DUE_DATE, 14, 14, Decimal("60.00"), False),
        (Action.REMINDER, Anchor.PREVIOUS_DEADLINE, 7, 10, Decimal("0.00"), False),
        (Action.PHONE_CALL, Anchor.PREVIOUS_DEADLINE, 0, 0, Decimal("0.00"), False),
        (Action.COLLECTION_DEMAND, Anchor.PREVIOUS_DEADLINE, 0, 14, Decimal("180.00"), False),
        (Action.PAYMENT_ORDER, Anchor.PREVIOUS_DEADLINE, 30, 0, Decimal("300.00"), True),
    ],
}
