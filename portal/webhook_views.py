"""The creditor's webhooks: endpoints (URL, events, on or off), their deliveries, and replays.

Only the creditor's administrators open these pages: a staff or read-only member gets 403,
anyone else, or another creditor's endpoint or event, 404. A new endpoint's secret, and the
one a rotation makes, is shown once, on the page the creation or rotation leads to (kept in
the session for that one page).
"""
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound, ValidationError
from creditors.models import Role
from webhooks import selectors
from webhooks.events import EVENT_TYPES
from webhooks.services import (
    DEFAULT_GRACE,
    DESCRIPTION_LENGTH,
    MAX_ENDPOINTS,
    URL_LENGTH,
    endpoint_create,
    endpoint_delete,
    endpoint_secret_rotate,
    endpoint_update,
    event_replay,
)

from .creditor import creditor_view, member_role
from .creditor_admin import actor_of

EVENT_LABELS = {
    "case.stage_changed": gettext_lazy("Ärendets steg har ändrats"),
    "case.closed": gettext_lazy("Ärendet har avslutats"),
    "letter.sent": gettext_lazy("Ett brev har skickats"),
    "payment.allocated": gettext_lazy("En betalning har fördelats"),
    "debtor.category_changed": gettext_lazy("Gäldenärens kategori har ändrats"),
    "queue.item_created": gettext_lazy("En uppgift har lagts i arbetskön"),
}
# The services' refusals, by their codes, in the page's language.
REFUSED = {
    "url_invalid": gettext_lazy("ange en fullständig adress, till exempel https://erp.example.com/webhooks."),
    "url_scheme": gettext_lazy("adressen ska börja med https://."),
    "url_credentials": gettext_lazy("adressen får inte innehålla användarnamn eller lösenord."),
    "url_unresolvable": gettext_lazy("adressens värdnamn går inte att slå upp."),
    "url_private": gettext_lazy("adressen leder till en intern adress (%(address)s). Webhooks skickas bara till "
                                "publika adresser på internet."),
    "url_too_long": gettext_lazy("adressen får vara högst %(max)s tecken."),
    "events_empty": gettext_lazy("välj minst en händelse."),
    "events_invalid": gettext_lazy("välj minst en händelse."),
    "description_too_long": gettext_lazy("beskrivningen får vara högst %(max)s tecken."),
    "endpoints_limit": gettext_lazy("ni kan ha högst %(max)s mottagare."),
    "endpoint_inactive": gettext_lazy("mottagaren är avstängd; slå på den för att skicka händelsen igen."),
    "grace_invalid": gettext_lazy("välj hur länge den gamla hemligheten ska signera: inte alls, 1 timme, 24 timmar "
                                  "eller 7 dagar."),
}
LIMITS = {"url_too_long": URL_LENGTH, "description_too_long": DESCRIPTION_LENGTH, "endpoints_limit": MAX_ENDPOINTS}
SECRET_KEY = "webhooks.secret"  # the session's key for a new endpoint's secret, shown once
# How long a rotated secret keeps signing: (hours, label); 24 is chosen unless the admin says otherwise.
GRACE_CHOICES = [
    (0, gettext_lazy("Inte alls: den gamla slutar direkt")),
    (1, gettext_lazy("1 timme")),
    (24, gettext_lazy("24 timmar")),
    (168, gettext_lazy("7 dagar")),
]
DEFAULT_GRACE_HOURS = DEFAULT_GRACE // datetime.timedelta(hours=1)


def admin_view(view):
    """creditor_view, for administrators only: a POST changes, and a GET shows a secret's use."""
    @creditor_view()
    def wrapper(request, *args, **kwargs):
        if member_role(request) != Role.ADMIN:
            raise PermissionDenied("Only the creditor's administrators manage its webhooks.")
        return view(request, *args, **kwargs)
    wrapper.__name__ = view.__name__
    return wrapper


def refusal(error: ApplicationError) -> str:
    detail = error.detail if isinstance(error.detail, dict) else {}
    reason = REFUSED.get(error.code)
    reason = (reason % {"address": detail.get("address", ""), "max": LIMITS.get(error.code, "")} if reason
              else error.message)
    return _("Inget sparades: %(reason)s") % {"reason": reason}


def _endpoint(endpoint_id):
    try:
        return selectors.endpoint_get(endpoint_id)
    except NotFound:
        raise Http404("No such webhook endpoint.") from None


def _form(request) -> dict:
    return {"url": request.POST.get("url", ""), "events": request.POST.getlist("events"),
            "description": request.POST.get("description", "")}


def _events(chosen) -> list:
    return [(value, EVENT_LABELS[value], value in chosen) for value in EVENT_TYPES]


@admin_view
def webhook_list(request):
    form = {"url": "", "events": [], "description": ""}
    if request.method == "POST":
        form = _form(request)
        try:
            endpoint, secret = endpoint_create(creditor=request.creditor, **form, **actor_of(request))
        except ApplicationError as error:
            messages.error(request, refusal(error))
        else:
            request.session[SECRET_KEY] = {"endpoint": endpoint.pk, "secret": secret}
            return redirect("portal:webhook_detail", endpoint_id=endpoint.pk)
    return render(request, "webhooks/webhook_list.html", {
        "endpoints": selectors.endpoint_list(), "events": _events(form["events"]), "form": form,
        "url_length": URL_LENGTH, "description_length": DESCRIPTION_LENGTH, "settings_page": "webhooks",
    }, status=400 if request.method == "POST" else 200)


@admin_view
def webhook_detail(request, endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    shown = request.session.get(SECRET_KEY)
    secret, rotated = None, False
    if shown and shown.get("endpoint") == endpoint.pk:
        secret, rotated = shown["secret"], shown.get("rotated", False)
        del request.session[SECRET_KEY]
    status = 200
    if request.method == "POST":
        try:
            endpoint = endpoint_update(endpoint=endpoint, active=request.POST.get("active") == "yes", **_form(request),
                                       **actor_of(request))
        except ApplicationError as error:
            messages.error(request, refusal(error))
            status = 400
        else:
            messages.success(request, _("Mottagaren är sparad."))
            return redirect("portal:webhook_detail", endpoint_id=endpoint.pk)
    return render(request, "webhooks/webhook_detail.html", {
        "endpoint": endpoint, "secret": secret, "rotated": rotated, "events": _events(endpoint.events),
        "settings_page": "webhooks", "grace_choices": GRACE_CHOICES, "default_grace": DEFAULT_GRACE_HOURS,
        "recent": selectors.deliveries_recent(endpoint), "failed": selectors.deliveries_recent(endpoint, failed=True),
        "url_length": URL_LENGTH, "description_length": DESCRIPTION_LENGTH,
    }, status=status)


@admin_view
@require_POST
def webhook_delete(request, endpoint_id: int):
    endpoint_delete(endpoint=_endpoint(endpoint_id), **actor_of(request))
    messages.success(request, _("Mottagaren är borttagen; inget mer skickas dit."))
    return redirect("portal:webhook_list")


@admin_view
@require_POST
def webhook_replay(request, endpoint_id: int, event_id: int):
    endpoint = _endpoint(endpoint_id)
    try:
        event = selectors.event_get(event_id)
    except NotFound:
        raise Http404("No such webhook event.") from None
    try:
        event_replay(endpoint=endpoint, event=event, **actor_of(request))
    except ApplicationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Händelsen %(id)s skickas igen.") % {"id": event.webhook_id})
    return redirect("portal:webhook_detail", endpoint_id=endpoint.pk)


@admin_view
@require_POST
def webhook_rotate(request, endpoint_id: int):
    """A new secret, shown once on the endpoint's page; the old one signs too for the grace chosen."""
    endpoint = _endpoint(endpoint_id)
    hours = request.POST.get("grace", "")
    try:
        if hours not in {str(value) for value, _label in GRACE_CHOICES}:
            raise ValidationError("grace is one of the choices", code="grace_invalid")
        endpoint, secret = endpoint_secret_rotate(endpoint=endpoint, grace=datetime.timedelta(hours=int(hours)),
                                                  **actor_of(request))
    except ApplicationError as error:
        messages.error(request, refusal(error))
    else:
        request.session[SECRET_KEY] = {"endpoint": endpoint.pk, "secret": secret, "rotated": True}
    return redirect("portal:webhook_detail", endpoint_id=endpoint.pk)
