"""One error hierarchy for everything a user can act on.

Services raise these; the API exception handler and the management commands turn them
into `{"code", "message", "detail"}` or a one-line message with exit status 1.
"""


class ApplicationError(Exception):
    """A failure the user can understand and act on."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, detail=None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail
        if code:
            self.code = code


class ValidationError(ApplicationError):
    code = "invalid"


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404


class Forbidden(ApplicationError):
    """The actor may not do this (a waiver or an approval that needs a supervisor)."""

    code = "forbidden"
    http_status = 403


class Conflict(ApplicationError):
    """The request is valid but contradicts what is stored (a duplicate, a stage)."""

    code = "conflict"
    http_status = 409


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


class Unprocessable(ApplicationError):
    """The request is well-formed, but Fordra lacks what it needs to answer it (a reference rate)."""

    code = "unprocessable"
    http_status = 422
