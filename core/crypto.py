"""Secrets Fordra must read back, kept encrypted in the database: a webhook endpoint's signing
secret, a person's TOTP key and recovery-code seed.

Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from SECRET_KEY and a purpose, so
that one kind of secret cannot be decrypted as another: a copy of the database alone gives
none of them away. Rotating SECRET_KEY keeps them readable while the old key is in
SECRET_KEY_FALLBACKS (new ones are written under the new key).
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def fernet(purpose: str) -> MultiFernet:
    """The Fernet keys for `purpose` (say "fordra.mfa"): SECRET_KEY's first, then its fallbacks'."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{key}".encode()).digest()))
                        for key in keys])


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    return fernet(purpose).encrypt(data)


def decrypt_bytes(token: bytes, *, purpose: str) -> bytes:
    """The bytes; RuntimeError when no key of SECRET_KEY and its fallbacks opens them."""
    try:
        return fernet(purpose).decrypt(token)
    except InvalidToken as error:
        raise RuntimeError(f"a {purpose} secret cannot be decrypted with SECRET_KEY or its fallbacks") from error


def encrypt(text: str, *, purpose: str) -> str:
    return encrypt_bytes(text.encode(), purpose=purpose).decode()


def decrypt(token: str, *, purpose: str) -> str:
    return decrypt_bytes(token.encode(), purpose=purpose).decode()
