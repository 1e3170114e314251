"""A person's TOTP key and recovery-code seed are stored encrypted (portal.signin.MFAAdapter,
core.crypto): a copy of the database does not give a second factor away, and sign-in works
as before, also for a key stored in the clear before, and after SECRET_KEY is rotated."""
import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.core.cache import cache

from creditors.models import Role
from portal.signin import MFAAdapter
from tests.portal.members import TOTP_SECRET, add_totp
from tests.portal.test_signin_mfa import code, member, password_step

migration = importlib.import_module("core.migrations.0001_encrypt_mfa_secrets")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signs_in(client, email, secret=TOTP_SECRET) -> bool:
    password_step(client, email)
    response = client.post("/accounts/2fa/authenticate/", {"code": code(secret)})
    return response.status_code == 302 and client.get("/").status_code == 200


def test_the_totp_key_and_recovery_seed_are_stored_encrypted_and_still_work(client, creditor):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    totp = add_totp(user)
    recovery = RecoveryCodes.activate(user).instance
    assert totp.data["secret"].startswith("fernet:") and TOTP_SECRET not in str(totp.data)
    assert recovery.data["seed"].startswith("fernet:") and len(recovery.data["seed"]) > 100
    assert signs_in(client, "admin@acme.se")
    codes = RecoveryCodes(recovery).get_unused_codes()
    assert len(codes) == 10 and all(len(c) == 8 for c in codes)


def test_a_key_stored_in_the_clear_before_works_and_the_migration_encrypts_it(client, creditor):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    totp = add_totp(user)
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": TOTP_SECRET})  # as allauth stored it
    recovery = RecoveryCodes.activate(user).instance
    seed = RecoveryCodes(recovery).instance.data["seed"]
    clear_codes = RecoveryCodes(recovery).generate_codes()
    Authenticator.objects.filter(pk=recovery.pk).update(data={"seed": MFAAdapter().decrypt(seed), "used_mask": 0})
    assert signs_in(client, "admin@acme.se")

    migration.encrypt_all(apps, None)
    migration.encrypt_all(apps, None)  # twice: what is encrypted stays as it is
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert totp.data["secret"].startswith("fernet:") and TOTP_SECRET not in str(totp.data)
    assert recovery.data["seed"].startswith("fernet:")
    assert RecoveryCodes(recovery).generate_codes() == clear_codes
    cache.clear()
    assert signs_in(client.__class__(), "admin@acme.se")

    migration.decrypt_all(apps, None)  # the way back: in the clear, as the code before read it
    totp.refresh_from_db()
    assert totp.data["secret"] == TOTP_SECRET


def test_a_rotated_secret_key_still_opens_what_the_old_one_closed(client, creditor, settings):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    add_totp(user)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 20 + "a-new-secret-key-" + "x" * 30, [old]
    assert signs_in(client, "admin@acme.se")
