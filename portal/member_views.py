"""The creditor's users and their roles, for its administrators (portal.creditor_admin).

Invite (a new person gets a one-time link to choose a password; someone who already has an
account is told they now have access), change a role, remove, send an invitation again. Each
change is one service call (creditors.services) with its AuditEvent in the same transaction. The
creditor's last administrator can neither be demoted nor removed: someone has to manage the rest.
"""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from creditors.models import Membership, Role
from creditors.selectors import members_of
from creditors.services import member_invite, member_remove, member_role_set

from .creditor_admin import actor_of, creditor_admin_view
from .invitations import invitation_send
from .member_forms import InviteForm, RoleForm

REFUSED = {
    "last_admin": gettext_lazy("%(creditor)s måste ha minst en administratör. Gör först någon annan till "
                               "administratör."),
    "already_member": gettext_lazy("%(email)s är redan användare hos %(creditor)s."),
    "invalid_email": gettext_lazy("Ange en giltig e-postadress."),
    "invalid_role": gettext_lazy("Välj en av rollerna."),
    "not_found": gettext_lazy("Användaren finns inte längre hos %(creditor)s."),
}
# What each role may do, as the page explains it.
ROLE_HELP = {
    Role.ADMIN: gettext_lazy("allt som personal gör, och hanterar användare, API-nycklar och brevens utseende"),
    Role.STAFF: gettext_lazy("arbetar med ärenden och gäldenärer och laddar upp reskontra"),
    Role.READ_ONLY: gettext_lazy("ser allt men ändrar ingenting"),
}


def _refusal(request, error: ApplicationError, **values) -> str:
    text = REFUSED.get(error.code)
    return text % {"creditor": request.creditor.name, **values} if text else error.message


def _membership(membership_id: int) -> Membership:
    """The creditor's membership (inside the request's scope: another creditor's is a 404)."""
    try:
        return Membership.objects.select_related("user").get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404("No such member.") from None


def _page(request, invite: InviteForm, status: int = 200):
    return render(request, "settings/members.html", {
        "members": members_of(request.creditor), "invite": invite, "roles": Role.choices,
        "role_help": [(label, ROLE_HELP[value]) for value, label in Role.choices], "settings_page": "users",
    }, status=status)


@creditor_admin_view
def member_list(request):
    return _page(request, InviteForm())


@creditor_admin_view
@require_POST
def member_invite_view(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        membership, _created = member_invite(creditor=request.creditor, email=email, role=role, **actor_of(request))
    except ApplicationError as error:
        form.add_error("email" if error.code != "invalid_role" else "role", _refusal(request, error, email=email))
        return _page(request, form, status=400)
    if invitation_send(request, membership):
        messages.success(request, _("%(email)s har fått ett e-postmeddelande om sin tillgång som %(role)s.")
                         % {"email": membership.user.email, "role": membership.get_role_display()})
    else:
        messages.error(request, _("%(email)s är tillagd, men e-postmeddelandet kunde inte skickas. Skicka "
                                  "inbjudan igen om en stund.") % {"email": membership.user.email})
    return redirect("portal:member_list")


@creditor_admin_view
@require_POST
def member_resend(request, membership_id: int):
    membership = _membership(membership_id)
    if invitation_send(request, membership):
        messages.success(request, _("Ett nytt e-postmeddelande har skickats till %(email)s.")
                         % {"email": membership.user.email})
    else:
        messages.error(request, _("E-postmeddelandet kunde inte skickas. Försök igen om en stund."))
    return redirect("portal:member_list")


@creditor_admin_view
@require_POST
def member_role_view(request, membership_id: int):
    membership = _membership(membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Inget ändrades: välj en av rollerna."))
        return redirect("portal:member_list")
    try:
        membership = member_role_set(membership=membership, role=form.cleaned_data["role"], **actor_of(request))
    except ApplicationError as error:
        messages.error(request, _("Inget ändrades: %(reason)s") % {"reason": _refusal(request, error)})
    else:
        messages.success(request, _("%(email)s är nu %(role)s.")
                         % {"email": membership.user.email, "role": membership.get_role_display()})
    return redirect("portal:member_list")


@creditor_admin_view
def member_remove_view(request, membership_id: int):
    """GET asks to confirm; POST removes."""
    membership = _membership(membership_id)
    if request.method != "POST":
        return render(request, "settings/member_remove.html", {"membership": membership, "settings_page": "users",
                                                               "is_me": membership.user_id == request.user.pk})
    try:
        member_remove(membership=membership, **actor_of(request))
    except ApplicationError as error:
        messages.error(request, _("Ingen togs bort: %(reason)s") % {"reason": _refusal(request, error)})
        return redirect("portal:member_list")
    messages.success(request, _("%(email)s har inte längre tillgång till %(creditor)s.")
                     % {"email": membership.user.email, "creditor": request.creditor.name})
    if membership.user_id == request.user.pk:
        return redirect("portal:dashboard")
    return redirect("portal:member_list")
