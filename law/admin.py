from django.contrib import admin

from .models import FeeCap, ReferenceRate


@admin.register(FeeCap)
class FeeCapAdmin(admin.ModelAdmin):
    list_display = ["kind", "valid_from", "amount", "source"]


@admin.register(ReferenceRate)
class ReferenceRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "rate", "note"]
