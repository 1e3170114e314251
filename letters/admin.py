from django.contrib import admin

from .models import Letter, LetterDelivery, LetterDesign, PrintBatch


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["id", "creditor", "kind", "language", "sent_on", "deadline", "total", "status", "template_version"]
    list_filter = ["kind", "status", "language"]
    readonly_fields = [field.name for field in Letter._meta.fields]

    def has_add_permission(self, request):
        return False  # letters come from the cycle and the services, never by hand


admin.site.register([LetterDelivery, LetterDesign, PrintBatch])
