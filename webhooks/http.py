"""One POST to a checked address: the connection goes to the IP the guard approved, with the
URL's host name in the Host header and, for https, in SNI and the certificate check.

Redirects are not followed: a 3xx is a failed attempt, retried like any other (a receiver
that moved registers its new URL). So a redirect to 169.254.169.254 reaches nothing.
"""
import http.client
import socket
import ssl

from .guard import Target

TIMEOUT_SECONDS = 10
RESPONSE_BYTES = 2000  # of the answer's body, read and dropped: what it says is not Fordra's to keep


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, *, body: bytes, headers: dict, timeout: float = TIMEOUT_SECONDS) -> tuple[int, str]:
    """The response's status and its Location header (for a 3xx). Raises OSError (refused, timeout, TLS)."""
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_BYTES)
        return response.status, response.getheader("Location", "")
    except http.client.HTTPException as error:  # a malformed answer: as good as none
        raise OSError(f"bad HTTP response: {error!r}") from error
    finally:
        connection.close()
