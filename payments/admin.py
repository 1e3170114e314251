from django import forms
from django.contrib import admin, messages

from cases.models import Payment, PaymentFile
from core.errors import ApplicationError

from .importing import cases_named, payment_assign


class PaymentAssignForm(forms.ModelForm):
    """An unmatched payment's only editable thing: the case an agent assigns it to."""

    assign_to = forms.CharField(required=False, label="Assign to case",
                                help_text="The case's id or OCR reference; the payment is then allocated to it")

    class Meta:
        model = Payment
        fields = []

    def clean_assign_to(self):
        value = self.cleaned_data["assign_to"].strip()
        if not value:
            return None
        if self.instance.case_id:
            raise forms.ValidationError("this payment is already allocated")
        found = cases_named(self.instance, value)
        if len(found) != 1:
            raise forms.ValidationError("no case has that id or OCR reference" if not found else
                                        "several cases fit: give the case's id")
        return found[0]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments in, and the agents' list of those that matched no case (filter: case is empty)."""

    form = PaymentAssignForm
    list_display = ["paid_on", "amount", "currency", "source", "creditor", "case", "ocr_reference", "payer",
                    "unmatched_reason"]
    list_filter = [("case", admin.EmptyFieldListFilter), "source", "paid_on"]
    search_fields = ["ocr_reference", "payer", "free_text", "reference"]
    readonly_fields = ["creditor", "case", "amount", "currency", "paid_on", "source", "reference", "account",
                       "ocr_reference", "free_text", "payer", "file", "record", "unmatched_reason", "duplicate_of",
                       "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # money received is never dropped

    def save_model(self, request, obj, form, change):
        case = form.cleaned_data.get("assign_to")
        if case is not None:
            try:
                payment_assign(payment=obj, case=case, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, level=messages.ERROR)


@admin.register(PaymentFile)
class PaymentFileAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "name", "format", "payments", "total"]
    readonly_fields = ["format", "name", "sha256", "exported_by", "created_at", "imported_at", "payments", "total",
                       "summary"]

    def has_add_permission(self, request):
        return False
