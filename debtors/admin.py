from django.contrib import admin

from .models import Debtor


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = ["customer_number", "name", "creditor", "customer_type", "category", "vip"]
    list_filter = ["category", "customer_type", "vip"]
    search_fields = ["customer_number", "name"]
