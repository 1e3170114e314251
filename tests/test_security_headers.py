"""Security headers on every answer: the portal's pages, the agents', the admin, the API and its
docs, error pages, static files. The portal's routes are walked from the URLconf (those that name
no object: a GET as a creditor's admin and as an agency supervisor), so a page added later is checked too.
"""
import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, get_resolver, reverse

from creditors.models import AgencyRole, AgencyStaff, Role
from tests.api.conftest import api_client_for
from tests.factories import make_case
from tests.portal.members import sign_in, sign_in_user

STRICT = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
    "base-uri": "'none'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


def assert_secured(response) -> None:
    path = response.request["PATH_INFO"]
    directives = policy(response)
    for name, value in STRICT.items():
        assert directives.get(name) == value, f"{path}: {name} is {directives.get(name)!r}, not {value!r}"
    assert directives["img-src"] in ("'self'", "'self' data:"), path
    assert "unsafe" not in response.headers["Content-Security-Policy"], path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", path
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, f"{path}: Permissions-Policy lacks {feature}: {permissions!r}"


def plain_portal_routes() -> list[str]:
    """The portal's routes that take no argument: a GET of each is a page (or a redirect, or a 405)."""
    names = []
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "app_name", None) != "portal":
            continue
        names += [f"portal:{route.name}" for route in pattern.url_patterns
                  if isinstance(route, URLPattern) and not route.pattern.regex.groupindex]
    return names


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_portal_walk_finds_its_pages():
    assert {"portal:dashboard", "portal:case_list", "portal:debtor_list", "portal:agent_queue"} <= set(
        plain_portal_routes())


@pytest.mark.parametrize("name", plain_portal_routes())
def test_every_portal_page_carries_the_headers(client, creditor, name):
    make_case(creditor, amount="500.00")
    sign_in(client, creditor, Role.ADMIN)
    assert_secured(client.get(reverse(name)))


@pytest.mark.parametrize("name", [name for name in plain_portal_routes() if ":agent" in name])
def test_every_agent_page_carries_the_headers(client, db, name):
    user = get_user_model().objects.create_user(username="boss@fordra.demo", email="boss@fordra.demo")
    AgencyStaff.objects.create(user=user, role=AgencyRole.SUPERVISOR)
    sign_in_user(client, user)
    assert_secured(client.get(reverse(name)))


def test_a_case_and_a_debtor_page_carry_the_headers(client, creditor):
    case = make_case(creditor, amount="500.00")
    sign_in(client, creditor, Role.ADMIN)
    for url in (reverse("portal:case_detail", args=[case.pk]), reverse("portal:debtor_detail", args=[case.debtor_id])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secured(response)


@pytest.mark.parametrize("url", ["/login/", "/accounts/password/reset/", "/admin/login/", "/no/such/page",
                                 "/api/v1/docs/", "/api/v1/docs/?script=", "/api/v1/schema/", "/api/v1/cases/",
                                 "/api/v1/no-such-endpoint", "/healthz", "/static/css/fordra.css"])
def test_pages_without_a_sign_in_carry_the_headers(client, db, url):
    assert_secured(client.get(url))


def test_the_api_and_the_admin_carry_the_headers(client, creditor):
    case = make_case(creditor, amount="500.00")
    api = api_client_for(creditor)
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/", "/api/v1/debtors/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert_secured(response)
    admin = get_user_model().objects.create_superuser(username="root@fordra.demo", email="root@fordra.demo")
    AgencyStaff.objects.create(user=admin, role=AgencyRole.SUPERVISOR)
    sign_in_user(client, admin)
    for url in ("/admin/", "/admin/cases/case/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_secured(response)


def test_the_api_docs_page_has_no_inline_script_or_style(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "<script src=" in page
    assert "<script>" not in page and "<style" not in page
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
