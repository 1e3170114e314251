from django import forms
from django.contrib import admin

from .models import Policy, PolicyStep
from .services import ladder_violations


class PolicyStepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        steps = [
            {field: form.cleaned_data[field] for field in
             ("number", "action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval")}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        violations = ladder_violations(sorted(steps, key=lambda s: s["number"]))
        if violations:
            raise forms.ValidationError([f"Step {v.step or '–'}: {v.message} [{v.rule}]" for v in violations])


class PolicyStepInline(admin.TabularInline):
    model = PolicyStep
    formset = PolicyStepFormSet
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
