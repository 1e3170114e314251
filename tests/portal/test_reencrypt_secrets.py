"""`manage.py reencrypt_secrets`: after SECRET_KEY changes (the old one in SECRET_KEY_FALLBACKS),
every stored secret is written under the new key, so the fallback can go."""
import datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.core.management import CommandError, call_command

from core.tenancy import creditor_scope
from creditors.models import Role
from tests.portal.members import add_totp
from tests.portal.test_mfa_secrets import signs_in
from tests.portal.test_signin_mfa import member
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_create, endpoint_secret_rotate
from webhooks.signing import secret_decrypt

NEW_KEY = "a-new-secret-key-for-fordra-" + "k" * 30


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def stored():
    return (sorted(map(str, Authenticator.objects.values_list("data", flat=True))),
            sorted(WebhookEndpoint.objects.with_scopes_disabled().values_list("secret_encrypted",
                                                                              "previous_secret_encrypted")))


def test_after_a_new_secret_key_every_secret_is_written_under_it(client, creditor, settings, capsys):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    add_totp(user)
    codes = RecoveryCodes(RecoveryCodes.activate(user).instance).generate_codes()
    with creditor_scope(creditor):
        endpoint, first = endpoint_create(creditor=creditor, url="https://93.184.216.34/hook", events=["case.closed"])
        endpoint, second = endpoint_secret_rotate(endpoint=endpoint, grace=datetime.timedelta(hours=1))
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [old_key]
    before = stored()
    call_command("reencrypt_secrets")
    assert "2 two-factor secrets, 2 webhook secrets" in capsys.readouterr().out
    assert stored() != before

    settings.SECRET_KEY_FALLBACKS = []  # the old key is gone: everything still opens
    assert signs_in(client, "admin@acme.se")
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).generate_codes() == codes
    with creditor_scope(creditor):
        endpoint.refresh_from_db()
    assert secret_decrypt(endpoint.secret_encrypted) == second
    assert secret_decrypt(endpoint.previous_secret_encrypted) == first


def test_a_secret_no_key_opens_stops_it_before_anything_is_written(creditor, settings):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    add_totp(user)
    with creditor_scope(creditor):
        endpoint_create(creditor=creditor, url="https://93.184.216.34/hook", events=["case.closed"])
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []  # the old key forgotten
    before = stored()
    with pytest.raises(CommandError, match="cannot be decrypted.*SECRET_KEY_FALLBACKS"):
        call_command("reencrypt_secrets")
    assert stored() == before
