"""Browser tests: Playwright driving Debian's Chromium, headless, against Django's live server.

Playwright's own browsers cannot be downloaded here, so it is pointed at the system's
Chromium (`FORDRA_CHROMIUM`, else `chromium` on PATH). Where there is none, as in CI's
first pass (a copy of the repository with only python3 on PATH), every test here is
skipped with the reason; CI's second pass installs Debian's chromium and runs them.
"""
import os
import shutil
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from portal.signin import two_factor_required

CHROMIUM = os.environ.get("FORDRA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
SHOTS = os.environ.get("FORDRA_SCREENSHOTS")
# What sticks out past the screen's right edge: the innermost few, to name in a failure.
WIDE = """[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth && e.children.length === 0).slice(0, 5)
    .map(e => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 30)}`)"""


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="needs Chromium: Debian's chromium package (.ci/run's second pass installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def chromium(monkeypatch):
    """A browser for one test. Playwright's sync API runs an event loop in the test's thread,
    while the test's own ORM calls (setting up data, checking it) are plain synchronous code:
    Django is told so for this test only (the variable must not reach other tests, nor a
    `check --deploy` they run)."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport=DESKTOP, locale="sv-SE", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the page; a user who must use two-factor (portal.signin) is given a TOTP
    authenticator if they have none, and types its current code when asked."""
    user = get_user_model().objects.get(email=email)
    secret = totp_secret(user) if two_factor_required(user) else None
    page.goto("/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()  # the sign-in form's, not the header's language switch
    if secret:
        page.wait_for_url("**/2fa/authenticate/")
        cache.clear()  # a code counts once per user (allauth): two sign-ins in one 30 s window may repeat it
        page.fill("input[name=code]", totp_code(secret))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/2fa/" not in url)


def totp_secret(user) -> str:
    """The user's TOTP secret: their authenticator's, else a new one's."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return TOTP.activate(user, generate_totp_secret()).instance and totp_secret(user)
    return decrypt(authenticator.data["secret"])


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth's own RFC 6238 arithmetic)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def looked_at(page, name: str) -> None:
    """The page at desktop width and at a phone's: nothing wider than the screen, the way out in view."""
    for label, size in (("desktop", None), ("phone", PHONE)):
        if size:
            page.set_viewport_size(size)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(WIDE) if overflow > 0 else []
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px on the {label}: {wide}"
        logout = page.get_by_role("button", name="Logga ut").bounding_box()
        assert logout and logout["x"] + logout["width"] <= page.viewport_size["width"], f"{name}: Logga ut off-screen"
    page.set_viewport_size({"width": 1280, "height": 900})
