"""The agency's view of credit reports and each creditor's classification thresholds.

The admin runs with scopes disabled for agency superusers (creditors.middleware), so both
lists show every creditor's rows, with the creditor as a column and a filter.
"""
from django.contrib import admin

from core.errors import ValidationError
from core.identity import parse_identity_number

from .models import ClassificationRules, CreditReport


@admin.register(CreditReport)
class CreditReportAdmin(admin.ModelAdmin):
    """Read-only: a report is what a bureau said on a day; it comes in by file or from the bureau."""

    list_display = ["identity_number", "creditor", "reported_on", "source", "score", "risk_class", "payment_remarks",
                    "imported_at"]
    list_filter = ["risk_class", "source", "reported_on", "creditor"]
    search_fields = ["identity_number"]
    date_hierarchy = "reported_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """A whole identity number finds its reports however it is written (`7903051238`,
        `197903051238`, `19790305-1238`); anything else is searched as text."""
        try:
            canonical = parse_identity_number(search_term).canonical
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(identity_number=canonical), False


@admin.register(ClassificationRules)
class ClassificationRulesAdmin(admin.ModelAdmin):
    """Debtors move under changed thresholds at the next daily cycle, which reclassifies first."""

    list_display = ["creditor", "risk_class_from", "score_below", "payment_remarks_over", "late_count",
                    "late_of_last", "late_days", "broken_plans_from", "broken_promises_from", "payment_orders_from",
                    "updated_at"]
    fieldsets = [
        (None, {"fields": ["creditor"]}),
        ("Credit report", {"fields": ["risk_class_from", "score_below", "payment_remarks_over"]}),
        ("Payment history", {"fields": ["late_days", "late_of_last", "late_count"]}),
        ("Collection history", {"fields": ["broken_plans_from", "broken_promises_from", "payment_orders_from"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["creditor"] if obj is not None else []
