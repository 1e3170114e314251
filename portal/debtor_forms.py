"""The debtor's contact details as the creditor's staff type them, checked in the page's language."""
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

UNREACHABLE = gettext_lazy("ett brev når ändå inte gäldenären: en postadress behöver gatuadress, postnummer och ort "
                           "(eller e-post och gäldenärens godkännande av brev via e-post).")


class ContactForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("Gatuadress"), max_length=200, required=False)
    postal_code = forms.CharField(label=gettext_lazy("Postnummer"), max_length=10, required=False)
    city = forms.CharField(label=gettext_lazy("Ort"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("E-post"), required=False,
                             error_messages={"invalid": gettext_lazy("Ange en giltig e-postadress.")})
    email_letters_agreed = forms.BooleanField(label=gettext_lazy("Gäldenären har godkänt brev via e-post"),
                                              required=False)
    phone = forms.CharField(label=gettext_lazy("Telefon"), max_length=40, required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not all(char.isdigit() or char in " +-()" for char in phone):
            raise forms.ValidationError(_("Ett telefonnummer har siffror och bara + - ( ) och mellanslag."))
        return phone
