"""Endpoint secrets: made, kept encrypted, and used to sign (Standard Webhooks, symmetric v1).

A secret is `whsec_` and 32 random bytes in base64. Fordra must keep it to sign, so it is
stored encrypted with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from
SECRET_KEY: a copy of the database alone does not give the secrets away. Rotating SECRET_KEY
keeps them readable while the old key is in SECRET_KEY_FALLBACKS.
"""
import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_new() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"fordra.webhooks:{key}".encode()).digest()))
                        for key in keys])


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as error:  # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS
        raise RuntimeError("a webhook secret cannot be decrypted with SECRET_KEY or its fallbacks") from error


def signature(secret: str, *, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header: `v1,` and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"
    keyed with the secret's bytes (the base64 after `whsec_`)."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()
