"""The demo's admins and agency staff sign in with the printed two-factor key or a printed recovery code."""
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core.cache import cache

from creditors.models import AgencyRole, AgencyStaff
from demo.logins import DEMO_TOTP_SECRET, demo_recovery_codes, seed_demo_two_factor
from demo.seeding import DEMO_PASSWORD


def test_the_printed_key_and_recovery_codes_sign_a_demo_agent_in(client, db):
    cache.clear()
    user = get_user_model().objects.create_user("agent@fordra.demo", "agent@fordra.demo", DEMO_PASSWORD)
    AgencyStaff.objects.create(user=user, role=AgencyRole.AGENT)
    seed_demo_two_factor(["agent@fordra.demo"])
    seed_demo_two_factor(["agent@fordra.demo"])  # re-runnable
    assert user.authenticator_set.count() == 2
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
    client.post("/login/", {"login": "agent@fordra.demo", "password": DEMO_PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/agent/").status_code == 200
    client.post("/logout/")
    client.post("/login/", {"login": "agent@fordra.demo", "password": DEMO_PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": demo_recovery_codes()[0]}).status_code == 302
    assert client.get("/agent/").status_code == 200
