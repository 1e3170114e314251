"""The tokens in reset and invitation links (allauth's ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR).

Only Django is imported here: allauth imports this module while its own forms load.
"""
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

INVITATION_PREFIX = "i"


class AddressAwareTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (password hash, last sign-in, time), also spent by a change of address."""

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + (user.email or "").lower()


class InvitationTokenGenerator(AddressAwareTokenGenerator):
    """A reset token with its own salt and lifetime (FORDRA_INVITATION_DAYS), marked by a prefix.

    Like a reset token it covers the password hash and the last sign-in: once the invited user
    has chosen a password, the link is spent."""

    key_salt = "fordra.portal.signin.InvitationTokenGenerator"

    def make_token(self, user):
        return INVITATION_PREFIX + super().make_token(user)

    def check_token(self, user, token):
        if not (user and token and token.startswith(INVITATION_PREFIX)):
            return False
        token = token[len(INVITATION_PREFIX):]
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > settings.FORDRA_INVITATION_DAYS * 24 * 3600:
            return False
        return any(constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
                   for secret in [self.secret, *self.secret_fallbacks])


class ResetOrInvitationTokenGenerator(AddressAwareTokenGenerator):
    """allauth's reset-from-key page accepts both: a reset link (PASSWORD_RESET_TIMEOUT) or an
    invitation (FORDRA_INVITATION_DAYS). A reset mail always carries a reset token."""

    def check_token(self, user, token):
        if token and token.startswith(INVITATION_PREFIX):
            return InvitationTokenGenerator().check_token(user, token)
        return super().check_token(user, token)


