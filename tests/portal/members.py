"""Members of a creditor, signed in to the portal: what most portal tests start from.

Tests sign in with `force_login` (axes' backend needs the request a real sign-in has) and, for
a user who must use two-factor (portal.signin), with a TOTP authenticator and a session that
has proved it, as the sign-in pages would leave it. tests/portal/test_signin*.py test those pages.
"""
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.test import RequestFactory

from core.tenancy import creditor_scope
from creditors.services import membership_add
from portal.signin import two_factor_required

PASSWORD = "a-long-demo-password"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32; tests compute codes from it


def sign_in(client, creditor, role, email="staff@acme.se"):
    """`client`, signed in as a new member of `creditor` with `role` (a `creditors.Role`)."""
    with creditor_scope(creditor):
        membership = membership_add(creditor=creditor, email=email, role=role, password=PASSWORD)
    return sign_in_user(client, membership.user)


def sign_in_user(client, user):
    """`client`, signed in as `user`; with a proved second factor where one is required."""
    client.force_login(user)
    if two_factor_required(user):
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            authenticator = TOTP.activate(user, TOTP_SECRET).instance
        session = client.session
        request = RequestFactory().get("/")
        request.session, request.user = session, user
        record_authentication(request, user, method="password", email=user.email)
        record_authentication(request, user, method="mfa", type=authenticator.type, id=authenticator.pk)
        session.save()
        # Proving the second factor gave the session a new key (portal.signin): the cookie follows.
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def add_totp(user, secret: str = TOTP_SECRET) -> Authenticator:
    return TOTP.activate(user, secret).instance
