from django.contrib import admin

from .models import Case, CaseEvent, Invoice, LedgerEntry
from .timeline import event_text


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["invoice_number", "creditor", "debtor", "due_date", "amount", "currency"]
    search_fields = ["invoice_number"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = ["booked_on", "kind", "component", "amount", "currency", "text", "reference"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "code", "sentence"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="text")
    def sentence(self, event) -> str:
        """The event's sentence as the timeline renders it (the admin speaks Swedish, as the portal does)."""
        return event_text(event)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["id", "creditor", "debtor", "stage", "closed_reason", "ocr_reference", "next_step_on"]
    list_filter = ["stage", "closed_reason"]
    search_fields = ["ocr_reference", "invoice__invoice_number"]
    readonly_fields = ["stage", "closed_reason", "hold_reason", "resume_stage", "ocr_reference"]
    inlines = [LedgerEntryInline, CaseEventInline]
