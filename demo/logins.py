"""Two-factor for the demo's logins, so that a reviewer can sign in as an admin or an agent.

Demo only: every demo admin and agency staff member gets the same TOTP authenticator, from a
fixed secret printed by `seed_demo` (add it to an authenticator app), and the same recovery
codes, from a fixed seed. Production users set up their own (portal.signin).
"""
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import encrypt
from django.contrib.auth import get_user_model

DEMO_TOTP_SECRET = "FORDRADEMOFORDRADEMOFORDRADEMO23"  # base32, 160 bits: public, like the demo password
DEMO_RECOVERY_SEED = "fordra-demo-recovery-codes-public-not-secret"


def demo_totp_uri(email: str) -> str:
    return f"otpauth://totp/Fordra:{email}?secret={DEMO_TOTP_SECRET}&issuer=Fordra"


def demo_recovery_codes() -> list[str]:
    return RecoveryCodes(Authenticator(data={"seed": encrypt(DEMO_RECOVERY_SEED), "used_mask": 0})).generate_codes()


def seed_demo_two_factor(emails) -> None:
    """Give each of these users the demo's authenticator and recovery codes (once; re-runnable)."""
    for user in get_user_model().objects.filter(email__in=list(emails)):
        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP,
                                            defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}})
        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.RECOVERY_CODES,
                                            defaults={"data": {"seed": encrypt(DEMO_RECOVERY_SEED), "used_mask": 0}})
