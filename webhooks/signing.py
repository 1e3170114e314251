"""Endpoint secrets: made, kept encrypted, and used to sign (Standard Webhooks, symmetric v1).

A secret is `whsec_` and 32 random bytes in base64. Fordra must keep it to sign, so it is
stored encrypted (`core.crypto`: Fernet under a key derived from SECRET_KEY and `PURPOSE`): a
copy of the database alone does not give the secrets away. After SECRET_KEY changes, with the
old key in SECRET_KEY_FALLBACKS, `manage.py reencrypt_secrets` writes them under the new one.
"""
import base64
import hashlib
import hmac
import secrets

from core import crypto

PREFIX = "whsec_"
PURPOSE = "fordra.webhooks"  # the key derivation's label: a TOTP key's cannot open a webhook secret
SECRET_BYTES = 32


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_encrypt(secret: str) -> str:
    return crypto.encrypt(secret, purpose=PURPOSE)


def secret_decrypt(stored: str) -> str:
    """The secret; RuntimeError when SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS."""
    return crypto.decrypt(stored, purpose=PURPOSE)


def signature(secret: str, *, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"
    keyed with the secret's bytes (the base64 after `whsec_`)."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
