"""The intake's audit trail: one row per ledger file imported or tried.

The table was created under `creditors` and moved here without moving data (migration
0001, state only): it keeps its name.
"""
from django.db import models

from core.tenancy import TenantManager


class LedgerImport(models.Model):
    """One ledger file imported (or tried): what it held and what it changed. The audit trail."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="ledger_imports")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=4)
    imported_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=200)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    problems = models.JSONField(default=list, blank=True, help_text="The rejected rows: row, column, value, reason")
    ignored_columns = models.JSONField(default=list, blank=True,
                                       help_text="The header's names no field reads: imported as if absent")

    objects = TenantManager()

    class Meta:
        db_table = "creditors_ledgerimport"  # moved from creditors: the table kept its name
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.imported_at:%Y-%m-%d %H:%M})"
