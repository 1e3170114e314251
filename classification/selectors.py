"""Reads about classification."""
import dataclasses

from django.conf import settings

from .models import ClassificationRules
from .rules import RuleSet

RULE_FIELDS = [f.name for f in dataclasses.fields(RuleSet) if f.name != "report_max_age_days"]


def rule_set(creditor, stored: ClassificationRules | None = None) -> RuleSet:
    """The creditor's thresholds as the pure rules read them (from `stored`, if the caller has
    read them); the defaults if it has none stored."""
    rules = stored or ClassificationRules.objects.filter(creditor=creditor).first() or ClassificationRules(
        creditor=creditor)
    return RuleSet(**{name: getattr(rules, name) for name in RULE_FIELDS},
                   report_max_age_days=settings.CREDIT_REPORT_MAX_AGE_DAYS)
