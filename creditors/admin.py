from django.contrib import admin

from .models import AgencyStaff, ApiClient, Creditor, Membership


@admin.register(Creditor)
class CreditorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "org_number", "bankgiro"]
    search_fields = ["slug", "name", "org_number"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "creditor", "role"]


@admin.register(AgencyStaff)
class AgencyStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "creditor", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["token_prefix", "token_hash"]
