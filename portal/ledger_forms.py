"""The ledger upload form: the file a creditor's staff send, refused in the page's language before the
import reads a byte of it when it is missing, empty, too large or of the wrong kind."""
from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tables import ZIP_MAGIC

# The portal's limit, below the import's own (LEDGER_IMPORT_MAX_BYTES, for the command): a
# request holds the file in memory twice, and 50 MB is some 400 000 CSV rows.
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
MEGABYTE = 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
WHITESPACE = b" \t\r\n\xef\xbb\xbf"  # and a UTF-8 byte order mark


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Reskontrafil (CSV eller XLSX)"),
        error_messages={
            "required": gettext_lazy("Välj en fil att ladda upp."),
            "missing": gettext_lazy("Välj en fil att ladda upp."),
            "invalid": gettext_lazy("Det skickade var ingen fil. Välj filen igen."),
            "empty": gettext_lazy("Filen är tom."),
        },
        widget=forms.ClearableFileInput(attrs={
            "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            size = f"{upload.size / MEGABYTE:.1f}".replace(".", ",")
            raise forms.ValidationError(_("Filen är %(size)s MB; gränsen är %(limit)s MB. Dela upp den i mindre filer.")
                                        % {"size": size, "limit": UPLOAD_MAX_BYTES // MEGABYTE})
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError(_("Filen måste vara en CSV-fil (.csv) eller en Excel-arbetsbok (.xlsx)."))
        data = b"".join(upload.chunks())
        if not data.strip(WHITESPACE):
            raise forms.ValidationError(_("Filen är tom."))
        workbook = data.startswith(ZIP_MAGIC)
        if suffix == ".xlsx" and not workbook:
            raise forms.ValidationError(_("Filen heter .xlsx men är ingen Excel-arbetsbok."))
        if suffix == ".csv" and (workbook or b"\x00" in data[:4096]):
            raise forms.ValidationError(_("Filen heter .csv men innehåller ingen text. Exportera reskontran som "
                                          "CSV, eller ladda upp Excel-arbetsboken som .xlsx."))
        self.cleaned_data["data"] = data
        return upload

    @property
    def data_and_name(self) -> tuple[bytes, str]:
        """The file's bytes and its name (the browser's, without a folder), once the form is valid."""
        return self.cleaned_data["data"], Path(self.cleaned_data["file"].name).name[:255]
