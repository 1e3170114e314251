"""Write every secret Fordra keeps encrypted under the current SECRET_KEY.

To change SECRET_KEY: set the new one, put the old one in SECRET_KEY_FALLBACKS (secrets
written under it stay readable), run this, then drop the fallback. It re-encrypts, in one
transaction, each person's TOTP key and recovery-code seed (`portal.signin.MFAAdapter`) and
each webhook endpoint's secret and the secret a rotation replaced (`webhooks.signing`).
A secret no key opens stops the command before anything is written, naming what it is.
Idempotent: a second run writes the same secrets again under the same key.
"""
from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_scopes import scopes_disabled

from core.crypto import fernet
from portal.signin import MFA_ENCRYPTED, MFA_PURPOSE
from webhooks.models import WebhookEndpoint
from webhooks.signing import PURPOSE as WEBHOOK_PURPOSE

MFA_FIELDS = {Authenticator.Type.TOTP: ["secret"], Authenticator.Type.RECOVERY_CODES: ["seed"]}


class Command(BaseCommand):
    help = "Re-encrypt the stored TOTP keys, recovery seeds and webhook secrets under the current SECRET_KEY."

    def handle(self, *args, **options):
        with transaction.atomic(), scopes_disabled():
            people = self._authenticators()
            endpoints = self._endpoints()
        self.stdout.write(f"Re-encrypted under the current SECRET_KEY: {people} two-factor secrets, "
                          f"{endpoints} webhook secrets.")

    def _authenticators(self) -> int:
        mfa, done = fernet(MFA_PURPOSE), 0
        for authenticator in Authenticator.objects.select_for_update().filter(type__in=MFA_FIELDS):
            data = dict(authenticator.data)
            for field in MFA_FIELDS[authenticator.type]:
                value = data.get(field)
                if isinstance(value, str) and value.startswith(MFA_ENCRYPTED):
                    data[field] = MFA_ENCRYPTED + _rotated(mfa, value.removeprefix(MFA_ENCRYPTED),
                                                           f"the {field} of user {authenticator.user_id}'s "
                                                           f"{authenticator.type} authenticator")
                    done += 1
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
        return done

    def _endpoints(self) -> int:
        hooks, done = fernet(WEBHOOK_PURPOSE), 0
        for endpoint in WebhookEndpoint.objects.select_for_update():
            changed = {}
            for field in ("secret_encrypted", "previous_secret_encrypted"):
                if getattr(endpoint, field):
                    changed[field] = _rotated(hooks, getattr(endpoint, field),
                                              f"webhook endpoint {endpoint.pk}'s {field.replace('_encrypted', '')}")
                    done += 1
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**changed)
        return done


def _rotated(keys, token: str, what: str) -> str:
    try:
        return keys.rotate(token.encode()).decode()
    except InvalidToken:
        raise CommandError(f"{what} cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS: put the key "
                           "it was written under in SECRET_KEY_FALLBACKS and run this again. Nothing was written."
                           ) from None
