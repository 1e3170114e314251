"""What a creditor's administrator types about users and API keys, checked in the page's language."""
from django import forms
from django.utils.translation import gettext_lazy as _

from creditors.models import ApiScopes, Role

EMAIL_ERRORS = {"invalid": _("Ange en giltig e-postadress."), "required": _("Ange personens e-postadress.")}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-post"), max_length=254, error_messages=EMAIL_ERRORS)
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices, initial=Role.STAFF,
                             error_messages={"invalid_choice": _("Välj en av rollerna.")})


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices,
                             error_messages={"invalid_choice": _("Välj en av rollerna."),
                                             "required": _("Välj en av rollerna.")})


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100, strip=True,
                           help_text=_("Till exempel affärssystemets namn, så att ni känner igen nyckeln."),
                           error_messages={"required": _("Ge nyckeln ett namn."),
                                           "max_length": _("Namnet får vara högst 100 tecken.")})
    read = forms.BooleanField(label=_("Läsa: hämta ärenden, gäldenärer, brev och trappor (GET)"), required=False,
                              initial=True)
    write = forms.BooleanField(label=_("Skriva: lämna fakturor och betalningar, ändra gäldenärer "
                                       "(POST, PUT, PATCH, DELETE)"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not data.get("read") and not data.get("write"):
            raise forms.ValidationError(_("Välj vad nyckeln får göra: läsa, skriva eller båda."))
        return data

    def scopes(self) -> ApiScopes:
        chosen = [scope for scope in ("read", "write") if self.cleaned_data[scope]]
        return ApiScopes(" ".join(chosen))
