"""The e-mail that tells a person they were given access to a creditor.

A new person gets the invitation: a one-time link (portal.signin.invitation_link, valid for
FORDRA_INVITATION_DAYS) by which they choose a password, which also proves the address is
theirs. A person who already has a password is told they now have access, with the portal's
address: no link that signs anyone in.
"""
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from creditors.models import Membership, UserPreference

from .signin import invitation_link

log = logging.getLogger(__name__)


def _language(user) -> str:
    """The person's chosen language; for someone new, the inviting admin's page language."""
    chosen = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or translation.get_language() or settings.LANGUAGE_CODE


def invitation_send(request, membership: Membership) -> bool:
    """Tell the member (by e-mail) about their access. False when the mail could not be sent
    (the caller says so; the membership stands and the invitation can be sent again)."""
    user = membership.user
    invited = not user.has_usable_password() and user.last_login is None
    with translation.override(_language(user)):
        context = {
            "creditor": membership.creditor.name, "role": membership.get_role_display(),
            "inviter": request.user.email or request.user.get_username(), "days": settings.FORDRA_INVITATION_DAYS,
            "link": invitation_link(request, user) if invited else request.build_absolute_uri(
                reverse("portal:dashboard")),
        }
        kind = "invitation" if invited else "access"
        subject = render_to_string(f"settings/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"settings/email/{kind}.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError):
        log.exception("the access e-mail to membership %s could not be sent", membership.pk)
        return False
    return True
