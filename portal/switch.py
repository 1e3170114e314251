"""A person who works for two or more creditors chooses which one the session works in.

The header's switcher posts here. Only a creditor the person is a member of can be chosen (any
other id is a 404, as for one that does not exist). The session key is rotated, as on sign-in
(the privilege changed), the switch is recorded at the creditor switched to (not which one was
left: one creditor's log does not tell whom else its people work for), and the person lands on
its overview.
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.tenancy import creditor_scope
from creditors.audit import audit_record, request_ip
from creditors.middleware import (
    SESSION_CREDITOR_KEY,
    SESSION_PRIVILEGE_KEY,
    privilege_of,
)
from creditors.models import AuditAction


@login_required
@require_POST
def creditor_switch(request):
    try:
        wanted = int(request.POST.get("creditor", ""))
    except ValueError:
        raise Http404("No such creditor.") from None
    chosen = next((m for m in request.memberships if m.creditor_id == wanted), None)
    if chosen is None:
        raise Http404("No such creditor.")
    previous = request.creditor
    request.session[SESSION_CREDITOR_KEY] = chosen.creditor_id
    request.session.cycle_key()
    request.session[SESSION_PRIVILEGE_KEY] = privilege_of(chosen)
    if previous is None or previous.pk != chosen.creditor_id:
        with creditor_scope(chosen.creditor_id):
            audit_record(creditor=chosen.creditor_id, actor=request.user, action=AuditAction.CREDITOR_SWITCHED,
                         target=f"creditor:{chosen.creditor_id}", ip=request_ip(request))
    return redirect("portal:dashboard")
