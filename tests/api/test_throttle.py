"""Each API key has its own request rate, requests without a valid key one per address: beyond
it, 429 in the error shape with Retry-After."""
import pytest
from django.core.cache import cache
from django.test import Client

from api.throttles import AddressRateThrottle, ApiClientRateThrottle
from core.tenancy import creditor_scope
from creditors.services import api_client_create

SHAPE = {"code", "message", "detail"}


def throttle_keys(*clients, addresses=("127.0.0.1",)) -> list[str]:
    """The cache keys the throttles count under (the cache outlives a test's database)."""
    return ([ApiClientRateThrottle.cache_format % {"scope": ApiClientRateThrottle.scope, "ident": c.pk}
             for c in clients]
            + [AddressRateThrottle.cache_format % {"scope": AddressRateThrottle.scope, "ident": a}
               for a in addresses])


def key(creditor, name):
    with creditor_scope(creditor):
        client, token = api_client_create(creditor=creditor, name=name)
    return client, Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def two_keys(creditor):
    first, second = key(creditor, "ERP"), key(creditor, "Fortnox")
    cache.delete_many(throttle_keys(first[0], second[0], addresses=("127.0.0.1", "192.0.2.7", "192.0.2.99")))
    return first[1], second[1]


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "throttled"
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    assert body["detail"] == {"retry_after": retry_after}


def test_a_key_beyond_its_rate_waits_and_another_key_does_not(settings, two_keys, case):
    settings.FORDRA_API_RATE = "3/min"
    erp, fortnox = two_keys
    for _ in range(3):
        assert erp.get("/api/v1/cases/").status_code == 200
    assert_throttled(erp.get("/api/v1/cases/"))
    assert_throttled(erp.patch(f"/api/v1/debtors/{case.debtor_id}/", {"vip": True}, content_type="application/json"))
    # Counted per key, not per address: the other key behind the same address goes on.
    assert fortnox.get("/api/v1/cases/").status_code == 200


def test_requests_without_a_valid_key_are_counted_per_address(settings, two_keys):
    settings.FORDRA_API_ANON_RATE = "2/min"
    settings.FORDRA_API_RATE = "100/min"
    guesser = Client(HTTP_AUTHORIZATION="Bearer fd_guessed")
    assert guesser.get("/api/v1/cases/").status_code == 401
    assert Client().get("/api/v1/cases/").status_code == 401
    assert_throttled(guesser.get("/api/v1/cases/"))
    assert_throttled(Client().get("/api/v1/schema/"))
    # Another address has its own count; a valid key is not counted against the address.
    assert Client(REMOTE_ADDR="192.0.2.7").get("/api/v1/cases/").status_code == 401
    erp, _fortnox = two_keys
    assert erp.get("/api/v1/cases/").status_code == 200


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(settings, two_keys):
    settings.FORDRA_API_ANON_RATE = "1/min"
    spoofed = Client(HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert spoofed.get("/api/v1/cases/").status_code == 401
    # Without a configured proxy the header is the client's own word: the address is REMOTE_ADDR.
    assert_throttled(Client(HTTP_X_FORWARDED_FOR="192.0.2.99").get("/api/v1/cases/"))
    cache.delete_many(throttle_keys())
    settings.FORDRA_TRUSTED_PROXY_COUNT = 1
    assert Client(HTTP_X_FORWARDED_FOR="192.0.2.99").get("/api/v1/cases/").status_code == 401
    assert Client(HTTP_X_FORWARDED_FOR="198.51.100.1, 192.0.2.7").get("/api/v1/cases/").status_code == 401
    assert_throttled(Client(HTTP_X_FORWARDED_FOR="192.0.2.7").get("/api/v1/cases/"))
