"""The creditor's audit log (Händelselogg), for its administrators: who invited, changed or removed
whom, made or revoked which API key, switched to the creditor, looked at an identity number,
registered, changed or removed a webhook endpoint or sent an event to it again. Newest first."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from creditors.models import ApiScopes, AuditEvent, Role
from creditors.selectors import audit_events_of

from .creditor_admin import creditor_admin_view
from .webhook_views import EVENT_LABELS

EVENTS_PER_PAGE = 50
# An event's details by name, in the page's language; a name not here is shown as stored.
DETAILS = {"email": _("e-post"), "role": _("roll"), "old_role": _("från"), "new_role": _("till"),
           "name": _("namn"), "prefix": _("början"), "scopes": _("får"), "new_user": _("nytt konto"),
           "url": _("adress"), "old_url": _("tidigare adress"), "events": _("händelser"),
           "old_events": _("tidigare händelser"), "description": _("beskrivning"), "active": _("på"),
           "event": _("händelse-id"), "type": _("händelse"),
           "grace_hours": _("den gamla hemligheten signerar också, timmar")}
VALUES = {"role": Role, "old_role": Role, "new_role": Role, "scopes": ApiScopes}
# Webhook event types by name, in the page's language (a type no longer known: as stored).
EVENT_TYPE_DETAILS = frozenset({"events", "old_events", "type"})


def _value(name: str, value) -> str:
    if name in EVENT_TYPE_DETAILS:
        return ", ".join(str(EVENT_LABELS.get(v, v)) for v in (value if isinstance(value, list) else [value]))
    if isinstance(value, list):
        return ", ".join(_value(name, v) for v in value)
    if isinstance(value, bool):
        return str(_("ja") if value else _("nej"))
    choices = VALUES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return "–" if value is None else str(value)


def details_of(event: AuditEvent) -> list[tuple[str, str]]:
    return [(str(DETAILS.get(name, name)), _value(name, value)) for name, value in (event.details or {}).items()]


@creditor_admin_view
def audit_log(request):
    page = Paginator(audit_events_of(request.creditor), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.shown_details = details_of(event)
    return render(request, "settings/audit_log.html", {"page": page, "settings_page": "audit"})
