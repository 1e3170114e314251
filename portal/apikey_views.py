"""The creditor's API keys, for its administrators (portal.creditor_admin).

Creating one answers with the token on the page, once: not stored (only its SHA-256 is), not
put in the session or a URL, and the answer is marked not to be cached. Reloading that page
asks to send the form again, which would make another key; the list shows each key by its name
and the first characters of its token. Revoking asks to confirm first; a revoked key answers 401
from its next request.
"""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from creditors.models import ApiClient
from creditors.selectors import api_clients_of
from creditors.services import api_client_create, api_client_revoke

from .creditor_admin import actor_of, creditor_admin_view
from .member_forms import ApiKeyForm

REFUSED = {
    "name_taken": gettext_lazy("Det finns redan en giltig nyckel med namnet ”%(name)s”; välj ett annat namn eller "
                               "återkalla den först."),
    "invalid_name": gettext_lazy("Ge nyckeln ett namn på högst 100 tecken."),
}


def _page(request, form: ApiKeyForm, *, status: int = 200, created: ApiClient | None = None, token: str = ""):
    response = render(request, "settings/api_keys.html", {
        "keys": api_clients_of(request.creditor), "form": form, "created": created, "token": token,
        "settings_page": "api-keys", "api_base": request.build_absolute_uri("/api/v1/"),
    }, status=status)
    add_never_cache_headers(response)
    return response


@creditor_admin_view
def api_key_list(request):
    return _page(request, ApiKeyForm())


@creditor_admin_view
@require_POST
def api_key_create_view(request):
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    actor = actor_of(request)
    try:
        client, token = api_client_create(creditor=request.creditor, name=form.cleaned_data["name"],
                                          scopes=form.scopes(), created_by=actor["actor"], ip=actor["ip"])
    except ApplicationError as error:
        text = REFUSED.get(error.code)
        form.add_error("name", text % {"name": form.cleaned_data["name"]} if text else error.message)
        return _page(request, form, status=400)
    return _page(request, ApiKeyForm(), created=client, token=token)


@creditor_admin_view
def api_key_revoke_view(request, api_key_id: int):
    """GET asks to confirm; POST revokes."""
    try:
        client = ApiClient.objects.get(pk=api_key_id)
    except ApiClient.DoesNotExist:
        raise Http404("No such API key.") from None
    if request.method != "POST":
        return render(request, "settings/api_key_revoke.html", {"key": client, "settings_page": "api-keys"})
    was_live = client.revoked_at is None
    api_client_revoke(client=client, **actor_of(request))
    if was_live:
        messages.success(request, _("Nyckeln ”%(name)s” är återkallad; den fungerar inte längre.")
                         % {"name": client.name})
    else:
        messages.success(request, _("Nyckeln ”%(name)s” var redan återkallad.") % {"name": client.name})
    return redirect("portal:api_key_list")
