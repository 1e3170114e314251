"""The error answers every operation shares, written into the OpenAPI schema once, here.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]). Each
operation gets, besides what its view documents (a view's own entry for a status wins):

- 401, 403, 406 and 429 everywhere (a key, its scopes, `Accept`, its rate);
- 400 where the request has query parameters or a body, 404 where the path names an object or
  the list has pages, 413 and 415 where there is a body;
- on every POST, PUT, PATCH and DELETE the `Idempotency-Key` header (api.idempotency) and its
  400, 409 `idempotency_in_flight` (with `Retry-After`) and 422 `idempotency_key_reused`, and on
  each answer such a request may get again, the `Idempotent-Replayed` header that marks a replay.

Every one of them is the API's error shape, the `Error` component.
"""
import copy

from .idempotency import HEADER, IN_FLIGHT_RETRY_AFTER, MAX_KEY_LENGTH, REPLAY_HEADER, UNSAFE_METHODS

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "description": "The API's one error shape.",
    "properties": {
        "code": {"type": "string", "description": "What went wrong, for a program: `invalid`, `not_found`, …"},
        "message": {"type": "string", "description": "What went wrong, for a person"},
        "detail": {"nullable": True, "description": "The fields or values at fault, when there are"},
    },
    "required": ["code", "message", "detail"],
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer", "minimum": 0},
                               "description": "Seconds to wait before trying again"}}

# status → (when it applies, description naming the codes, an example's code and message)
COMMON = {
    400: ("invalid", "A query parameter, the body or a header is wrong: `invalid` (detail names the field), "
                     "`parse_error` (the body is not JSON), or the endpoint's own codes.",
          "invalid", "The request has invalid fields."),
    401: ("always", "`not_authenticated` (no `Authorization: Bearer …`) or `authentication_failed` "
                    "(an unknown or revoked token).", "not_authenticated",
          "Authentication credentials were not provided."),
    403: ("always", "`permission_denied`: the key's scopes do not allow this (detail.required_scope).",
          "permission_denied", "This API key may not write: its scopes are 'read'."),
    404: ("object", "`not_found`: no such object at this creditor (another creditor's id answers the same), "
                    "or no such page.", "not_found", "Not found."),
    406: ("always", "`not_acceptable`: the `Accept` header names no type this endpoint answers in.",
          "not_acceptable", "Could not satisfy the request Accept header."),
    413: ("body", "`too_large`: the body is larger than the server accepts.", "too_large",
          "The request body is larger than 2621440 bytes."),
    415: ("body", "`unsupported_media_type`: the body is not of a media type the operation takes (`application/json`; "
                  "a dispute also `multipart/form-data`).", "unsupported_media_type",
          'Unsupported media type "text/plain" in request.'),
    429: ("always", "`throttled`: beyond the key's request rate; `Retry-After` says when to try again.",
          "throttled", "Request was throttled. Expected available in 12 seconds."),
}
IDEMPOTENCY = {
    409: ("`idempotency_in_flight`: a request with this `Idempotency-Key` is still running; retry after "
          "`Retry-After` seconds to get its answer.", "idempotency_in_flight",
          "A request with this Idempotency-Key is still running: retry after 1 s to get its response."),
    422: ("`idempotency_key_reused`: this `Idempotency-Key` came with another request (method, path or "
          "body) in the last 24 hours.", "idempotency_key_reused",
          "This Idempotency-Key was used in the last 24 hours for another request (method, path or body): "
          "use a new key for a new request."),
}
KEY_PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[ -~]+$"},
    "description": (
        "Makes a retry safe: a repeat with the same key within 24 hours runs nothing and answers the first "
        f"response, byte for byte, with `{REPLAY_HEADER}: true`. Keys are per API key; 1 to {MAX_KEY_LENGTH} "
        "printable ASCII characters (a UUID is a good one). A 5xx or 429 is not kept: its retry runs afresh. The "
        "same request is the same method, path, query and body: a JSON body whatever its key order and spacing, "
        "a `multipart/form-data` body by its fields and each file's name and bytes, whatever its boundary."),
    "example": "5f0c2c8e-4a8e-4f57-9c1a-0d6f3c2b9e71",
}

# The answers the middleware keeps and replays: all but 5xx and 429 (not kept), 401 (no API key:
# the middleware does nothing) and 413 (a body too large is never read, so never keyed).
NEVER_REPLAYED = frozenset({"401", "413", "429"})
REPLAYED_HEADER = {
    "schema": {"type": "string", "enum": ["true"]}, "required": False,
    "description": (f"Present on an answer replayed for a repeated `{HEADER}`: the first request's answer, "
                    "byte for byte; nothing ran again."),
}


def _error(description: str, code: str, message: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {
        "schema": ERROR_REF, "examples": {code: {"value": {"code": code, "message": message, "detail": None}}}}}}
    if headers:
        response["headers"] = headers
    return response


def _applies(when: str, *, path: str, operation: dict, unsafe: bool) -> bool:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation or unsafe
    if when == "always":
        return True
    if when == "invalid":
        return has_body or any(p.get("in") == "query" for p in parameters)
    if when == "object":
        return "{" in path or any(p.get("name") == "page" for p in parameters)
    return has_body  # "body"


def _add(responses: dict, status: int, response: dict) -> None:
    existing = responses.get(str(status))
    if existing is None:
        responses[str(status)] = response
    elif "content" not in existing:  # the view described it in words only: give it the shape
        existing["content"] = response["content"]


def document_errors(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            unsafe = method.upper() in UNSAFE_METHODS
            responses = operation["responses"]
            for status, (when, description, code, message) in COMMON.items():
                if _applies(when, path=path, operation=operation, unsafe=unsafe):
                    _add(responses, status, _error(description, code, message, RETRY_AFTER if status == 429 else None))
            if not unsafe:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
                parameters.append(dict(KEY_PARAMETER))
            for status, (description, code, message) in IDEMPOTENCY.items():
                headers = {"Retry-After": {**RETRY_AFTER["Retry-After"], "example": IN_FLIGHT_RETRY_AFTER}} \
                    if status == 409 else None
                own = responses.get(str(status))
                if own is not None and "content" in own:  # the endpoint's own 409/422: say both
                    own["description"] = f"{own.get('description', '').rstrip()} Or {description}".strip()
                    own.setdefault("content", {}).setdefault("application/json", {}).setdefault("schema", ERROR_REF)
                    if headers:
                        own.setdefault("headers", {}).update(headers)
                else:
                    _add(responses, status, _error(description, code, message, headers))
            for status, response in responses.items():
                if status not in NEVER_REPLAYED and not status.startswith("5"):
                    response.setdefault("headers", {})[REPLAY_HEADER] = copy.deepcopy(REPLAYED_HEADER)
    return result
