"""Webhook tests: DNS answered from a table (no lookup leaves the machine), and a receiver
on the loopback that records what it is sent, for the tests that let it through the guard."""
import http.server
import json
import socket
import threading

import pytest

from config.celery import app as celery_app
from core.tenancy import creditor_scope
from webhooks.services import endpoint_create

PUBLIC = "93.184.216.34"  # an address the guard lets through; nothing connects to it in the tests
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def eager():
    """The sweep and its tasks run where the test calls them, also with a broker (.ci/run's
    second pass), as with none."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Host name → addresses, for `socket.getaddrinfo`; an IP literal resolves to itself, any
    other name is unknown."""
    table = {"erp.example": [PUBLIC]}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (a, port, 0, 0) if ":" in a else (a, port)) for a in table[host]]
        try:
            return REAL_GETADDRINFO(host, port, *args, flags=socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the test's DNS") from None

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


class Receiver:
    """Answers each POST with the next of `answers` ((status, headers); the last repeats)."""

    def __init__(self):
        self.requests = []
        self.answers = [(200, {})]
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status, headers = receiver.answers[min(len(receiver.requests), len(receiver.answers)) - 1]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings, dns):
    """A receiver at http://erp.example:PORT/hook (the name resolves to 127.0.0.1): the guard's
    allow-list lets private addresses and plain http through for this test only."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    dns["erp.example"] = ["127.0.0.1"]
    server = Receiver()
    server.thread.start()
    server.url = f"http://erp.example:{server.port}/hook"
    yield server
    server.server.shutdown()
    server.server.server_close()


def register(creditor, url="https://erp.example/hook", events=("case.stage_changed", "case.closed")):
    with creditor_scope(creditor):
        return endpoint_create(creditor=creditor, url=url, events=list(events))
