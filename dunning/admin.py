from django.contrib import admin

from .models import Policy, PolicyStep


class PolicyStepInline(admin.TabularInline):
    model = PolicyStep
    extra = 0
    fields = ["number", "action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval"]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["creditor", "category", "min_collection_amount"]
    list_filter = ["category"]
    inlines = [PolicyStepInline]

    def save_formset(self, request, form, formset, change):
        for step in formset.save(commit=False):
            step.creditor_id = form.instance.creditor_id
            step.save()
        formset.save_m2m()
        for step in formset.deleted_objects:
            step.delete()
