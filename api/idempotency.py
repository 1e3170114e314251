"""`Idempotency-Key` on the API's unsafe requests: a retry after a timeout never acts twice.

A middleware (settings.MIDDLEWARE, right after the tenant scope has found the API client), so it
sees every POST, PUT, PATCH and DELETE under /api/v1/ — endpoints added later included — and the
final bytes of the answer. For a request with the header and a valid API key:

1. The key is claimed: an INSERT of (client, key, request hash, in flight) in a transaction of
   its own, committed before the endpoint runs. The unique (client, key) makes the claim
   race-free: of concurrent requests with one key, exactly one inserts; the others find its row.
2. A request that finds the key already used within 24 hours gets, without running anything:
   - the first response, byte for byte (status, body, the endpoint's headers) plus
     `Idempotent-Replayed: true`, when the first one is done and this one is the same request
     (same SHA-256 of method, path with query, and canonical JSON body: key order and spacing
     do not count; a `multipart/form-data` body, to an endpoint that reads one, counts by its
     fields and each file's name and SHA-256, not by its framing: a retry has a new boundary);
   - 422 `idempotency_key_reused` when the key came with another request;
   - 409 `idempotency_in_flight` with `Retry-After` while the first is still running.
3. The endpoint's answer is stored with the claim, 4xx included (as Stripe does: a refusal is
   the request's outcome, and a retry gets the same refusal). Not stored, so that a retry runs
   afresh: a 5xx or an exception (Fordra failed, maybe half-way: the endpoint's own transaction
   rolled back), a 429 (refused before the endpoint ran), a streamed answer (not bytes in hand).

The stored answer is encrypted (`core.crypto`, its own label): an answer may hold a secret shown
once (a webhook endpoint's, at its creation or rotation), which must not sit in the clear in the
database for a day. A row written before that, unmarked, is replayed as it is.

Keys belong to an API client: two clients may use the same one. Without the header nothing
changes; a header that is empty, longer than 255 characters or not printable ASCII is a 400.
A GET ignores it (it is idempotent anyway). Rows older than 24 hours count as absent and are
swept by `api.sweep_idempotency_keys` (Celery beat). A claim still in flight after
IN_FLIGHT_ABANDONED (its worker died: gunicorn kills a request long before) may be taken over.
"""
import datetime
import hashlib
import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.parsers import MultiPartParser

from core.crypto import decrypt_bytes, encrypt_bytes

from .models import IdempotencyState, IdempotentRequest
from .params import echo
from .views import error_response

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PATH_PREFIX = "/api/v1/"
MAX_KEY_LENGTH = 255
KEY_LIFETIME = datetime.timedelta(hours=24)
IN_FLIGHT_ABANDONED = datetime.timedelta(minutes=10)
IN_FLIGHT_RETRY_AFTER = 1  # seconds; the slowest endpoint (1 000 invoices) takes a few
# Set by the handlers around the middleware, not the endpoint: never part of what is replayed.
NOT_STORED_HEADERS = frozenset({"set-cookie", "date", "server"})
# Two requests racing for an expired or abandoned row: after this many rounds the loser is told "in flight".
CLAIM_ROUNDS = 3
SEAL_PURPOSE = "fordra.idempotency"
SEALED = b"fernet:"


def key_problem(key: str) -> str | None:
    if not key:
        return "is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    if not all(" " <= char <= "~" for char in key):
        return "holds a character that is not printable ASCII"
    return None


def _canonical_body(body: bytes) -> bytes:
    """JSON with sorted keys and no spacing; numbers keep their digits (1.50 stays 1.50, never 1.5
    the float); anything that is not JSON, as sent."""
    try:
        data = json.loads(body, parse_float=Decimal)
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          default=lambda number: ["decimal", str(number)]).encode()
    except (ValueError, RecursionError):
        return body


def _reads_multipart(request) -> bool:
    """Whether the endpoint parses a multipart body (else it answers 415, and the raw body counts)."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    parsers = getattr(view, "initkwargs", {}).get("parser_classes") or getattr(
        getattr(view, "cls", None), "parser_classes", ())
    return any(issubclass(parser, MultiPartParser) for parser in parsers)


def _form_body(request) -> bytes:
    """A multipart body by what it holds: each field's values in order, each file's field, name and
    SHA-256. Django parses it here, files to disk past FILE_UPLOAD_MAX_MEMORY_SIZE (never
    request.body: a document is larger than DATA_UPLOAD_MAX_MEMORY_SIZE); DRF reads the same
    request.POST and request.FILES after."""
    files = []
    for name, uploads in sorted(request.FILES.lists()):
        for upload in uploads:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            files.append([name, upload.name, digest.hexdigest()])
    return json.dumps({"fields": sorted(request.POST.lists()), "files": files}, ensure_ascii=False).encode()


def request_fingerprint(request, *, form: bool = False) -> str:
    """`form`: the body is multipart and the endpoint reads it (`_reads_multipart`)."""
    query = urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)))
    head = f"{request.method}\n{request.path}?{query}\n".encode()
    if form:
        return hashlib.sha256(head + b"multipart\n" + _form_body(request)).hexdigest()
    return hashlib.sha256(head + _canonical_body(request.body)).hexdigest()


def _in_flight() -> HttpResponse:
    response = error_response(409, "idempotency_in_flight",
                              "A request with this Idempotency-Key is still running: retry after "
                              f"{IN_FLIGHT_RETRY_AFTER} s to get its response.",
                              {"retry_after": IN_FLIGHT_RETRY_AFTER})
    response["Retry-After"] = str(IN_FLIGHT_RETRY_AFTER)
    return response


def _reused(key: str) -> HttpResponse:
    return error_response(422, "idempotency_key_reused",
                          "This Idempotency-Key was used in the last 24 hours for another request (method, "
                          "path or body): use a new key for a new request.", {"idempotency_key": echo(key)})


def _sealed(content: bytes) -> bytes:
    return SEALED + encrypt_bytes(content, purpose=SEAL_PURPOSE)


def _unsealed(stored: bytes) -> bytes:
    if not stored.startswith(SEALED):
        return stored  # stored before answers were encrypted (at most a day before)
    return decrypt_bytes(stored.removeprefix(SEALED), purpose=SEAL_PURPOSE)


def _replay(earlier: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(_unsealed(bytes(earlier.body)), status=earlier.status_code)
    for name, value in earlier.headers:
        response[name] = value
    response[REPLAY_HEADER] = "true"
    return response


def _is_stale(row: IdempotentRequest, now: datetime.datetime) -> bool:
    if row.created_at <= now - KEY_LIFETIME:
        return True
    return row.state == IdempotencyState.IN_FLIGHT and row.created_at <= now - IN_FLIGHT_ABANDONED


def claim(*, request, key: str, fingerprint: str) -> IdempotentRequest | HttpResponse:
    """The new claim on `key`, or the answer for a key already used."""
    client = request.api_client
    for _ in range(CLAIM_ROUNDS):
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(creditor_id=client.creditor_id, client=client, key=key,
                                                        request_hash=fingerprint)
        except IntegrityError:
            pass  # the key is taken: by whom?
        earlier = IdempotentRequest.objects.filter(client=client, key=key).first()
        if earlier is None:
            continue  # released (a 5xx) or swept since our INSERT: try again
        if _is_stale(earlier, timezone.now()):
            # Only the row we read: a racer who replaced it meanwhile keeps theirs.
            IdempotentRequest.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
            continue
        if earlier.request_hash != fingerprint:
            return _reused(key)
        if earlier.state == IdempotencyState.IN_FLIGHT:
            return _in_flight()
        return _replay(earlier)
    return _in_flight()


def _release(claimed: IdempotentRequest) -> None:
    IdempotentRequest.objects.filter(pk=claimed.pk, state=IdempotencyState.IN_FLIGHT).delete()


def _keeps(response) -> bool:
    return response.status_code < 500 and response.status_code != 429 and not response.streaming


def _store(claimed: IdempotentRequest, response) -> None:
    headers = [[name, value] for name, value in response.headers.items() if name.lower() not in NOT_STORED_HEADERS]
    IdempotentRequest.objects.filter(pk=claimed.pk, state=IdempotencyState.IN_FLIGHT).update(
        state=IdempotencyState.DONE, status_code=response.status_code, headers=headers, body=_sealed(response.content))


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if (key is None or request.method not in UNSAFE_METHODS or not request.path_info.startswith(PATH_PREFIX)
                or getattr(request, "api_client", None) is None):
            return self.get_response(request)  # no key, a read, or no valid API key (the endpoint answers 401)
        problem = key_problem(key)
        if problem:
            return error_response(400, "invalid", f"The {HEADER} header {problem}: send 1 to {MAX_KEY_LENGTH} "
                                  "printable ASCII characters, say a UUID.", {HEADER: echo(key)})
        form = request.content_type == "multipart/form-data" and _reads_multipart(request)
        try:
            fingerprint = request_fingerprint(request, form=form)
        except RequestDataTooBig:
            if form:  # parsed here, so the endpoint cannot answer it: in its words (api.handler)
                return error_response(413, "too_large", "The request body is larger than "
                                      f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.", None)
            return self.get_response(request)  # the endpoint answers 413, stored nowhere
        except (MultiPartParserError, SuspiciousOperation) as error:  # as DRF's MultiPartParser words it
            return error_response(400, "parse_error", f"Multipart form parse error - {error}", None)
        claimed = claim(request=request, key=key, fingerprint=fingerprint)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            _release(claimed)
            raise
        if _keeps(response):
            _store(claimed, response)
        else:
            _release(claimed)
        return response
