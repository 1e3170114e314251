"""The SSRF guard: an endpoint is a public address on the internet, at registration and at every delivery.

A URL is refused when its host is, or resolves to, any loopback, private, link-local (the
cloud metadata service at 169.254.169.254), shared (100.64/10), multicast, reserved or
unspecified address, IPv4 or IPv6, also written as an IPv4-mapped, 6to4 or NAT64 IPv6
address. Every address the name resolves to must pass: a name with one private address
among public ones is refused. DNS can change between registration and delivery (or between
the check and the connection: DNS rebinding), so a delivery resolves again and connects to
the address it checked (`webhooks.http`). Redirects are not followed.

`WEBHOOKS_ALLOW_PRIVATE` (default False) lets private addresses through, for a receiver on
the same machine in development and in the test that runs one; `WEBHOOKS_ALLOW_HTTP`
(default False) allows plain http, which would send debtors' data unencrypted.
"""
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from core.errors import ValidationError

NAT64 = ipaddress.ip_network("64:ff9b::/96")
# The most telling name first: 169.254.169.254 is private too, but link-local says more.
KINDS = (("is_loopback", "a loopback address"), ("is_link_local", "a link-local address"),
         ("is_unspecified", "the unspecified address"), ("is_multicast", "a multicast address"),
         ("is_reserved", "a reserved address"), ("is_private", "a private address"))


@dataclass(frozen=True)
class Target:
    """Where a delivery connects: the URL's parts and the address checked for its host."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str


def address_refused(address: str) -> str | None:
    """Why `address` may not be connected to, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone (fe80::1%eth0) names a link
    embedded = []
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour]
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    for candidate in [ip, *(e for e in embedded if e is not None)]:
        for name, kind in KINDS:
            if getattr(candidate, name):
                return f"{address} is {kind}"
        if not candidate.is_global:
            return f"{address} is not a public address"
    return None


def _parts(url: str):
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ValidationError(f"not a URL: {error}", code="url_invalid", detail={"url": url}) from None
    allowed = ("https", "http") if getattr(settings, "WEBHOOKS_ALLOW_HTTP", False) else ("https",)
    if parts.scheme not in allowed:
        raise ValidationError("a webhook URL starts with https://", code="url_scheme", detail={"url": url})
    if not parts.hostname:
        raise ValidationError("a webhook URL names a host", code="url_invalid", detail={"url": url})
    if parts.username or parts.password:
        raise ValidationError("a webhook URL carries no user name or password: the signature proves the sender",
                              code="url_credentials", detail={"url": url})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(f"the host {host} cannot be resolved: {error}", code="url_unresolvable",
                              detail={"host": host}) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def target_of(url: str) -> Target:
    """The URL checked and resolved: refused (ValidationError, code `url_private`) if any of
    its host's addresses is not public, unless WEBHOOKS_ALLOW_PRIVATE."""
    scheme, host, port, path = _parts(url)
    addresses = resolve(host, port)
    if not addresses:
        raise ValidationError(f"the host {host} has no address", code="url_unresolvable", detail={"host": host})
    if not getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        for address in addresses:
            reason = address_refused(address)
            if reason:
                raise ValidationError(f"a webhook goes to a public address; {host}: {reason}", code="url_private",
                                      detail={"host": host, "address": address})
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
