"""The API's own refusals and the one table from every error to an HTTP status and error code.

    ApiError                      refused by the API itself; carries status and code
     ├── InvalidBody              400 VALIDATION_ERROR: a body that is not strict, shallow JSON
     ├── NotFound                 404 NOT_FOUND: missing, another organization's, or a malformed id
     ├── Unauthorized             401 UNAUTHORIZED: one body for every way a key can be wrong
     ├── MetricsTokenInvalid      401 UNAUTHORIZED: /metrics without INTENT_METRICS_TOKEN
     ├── Forbidden                403 FORBIDDEN: a download token tampered with or expired
     ├── SlotsFull                403 SLOTS_FULL
     ├── RunNotCancellable        409 RUN_NOT_CANCELLABLE
     ├── RunNotServable           409 RUN_NOT_SERVABLE
     ├── NoPreviousRun            404 NO_PREVIOUS_RUN: a diff with no earlier completed run
     ├── IdempotencyKeyInvalid    400 IDEMPOTENCY_KEY_INVALID
     ├── IdempotencyKeyInUse      409 IDEMPOTENCY_KEY_IN_USE
     ├── IdempotencyKeyReused     422 IDEMPOTENCY_KEY_REUSED
     ├── ExportNotReady           409 EXPORT_NOT_READY: still being written, or it failed
     ├── RequestTimeout           408 REQUEST_TIMEOUT: the body did not arrive in time
     ├── RangeNotSatisfiable      416 RANGE_NOT_SATISFIABLE
     ├── NotReady                 503 NOT_READY
     └── RateLimited              429 RATE_LIMITED (RateLimit-* and Retry-After: api.envelope)
Domain errors of the lower layers map through `ERROR_TABLE`; anything unknown is a 500.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import ClassVar, Final

from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from api.ratelimit import RateDecision
from data.errors import DataDateMissing, StorageError
from engine.errors import ConfigError, Problem
from jobs.errors import (
    DataNotAvailable,
    FetchFailed,
    InvalidConfig,
    InvalidRequest,
    RunNotCompleted,
    UnsupportedContent,
    UrlNotAllowed,
)


@dataclass(frozen=True)
class ErrorReply:
    """What an error becomes on the wire."""

    status: int
    code: str
    message: str
    details: Sequence[Problem] = ()
    headers: Mapping[str, str] = field(default_factory=dict)


class ApiError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, message: str, *, details: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def headers(self) -> Mapping[str, str]:
        return {}


class InvalidBody(ApiError):
    status, code = 400, "VALIDATION_ERROR"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("the request is invalid; see details", details=problems)


class RequestTimeout(ApiError):
    status, code = 408, "REQUEST_TIMEOUT"

    def headers(self) -> Mapping[str, str]:
        return {"Connection": "close"}


class NotFound(ApiError):
    status, code = 404, "NOT_FOUND"


class Unauthorized(ApiError):
    status, code = 401, "UNAUTHORIZED"

    def __init__(self) -> None:
        super().__init__(
            "A valid API key is required in the x-api-key header "
            "(Authorization: Bearer is not accepted)"
        )


class MetricsTokenInvalid(ApiError):
    """A scrape of /metrics without the bearer token that INTENT_METRICS_TOKEN sets."""

    status, code = 401, "UNAUTHORIZED"


class Forbidden(ApiError):
    status, code = 403, "FORBIDDEN"


class SlotsFull(ApiError):
    status, code = 403, "SLOTS_FULL"


class RunNotCancellable(ApiError):
    status, code = 409, "RUN_NOT_CANCELLABLE"


class RunNotServable(ApiError):
    status, code = 409, "RUN_NOT_SERVABLE"


class NoPreviousRun(ApiError):
    status, code = 404, "NO_PREVIOUS_RUN"


class IdempotencyKeyInvalid(ApiError):
    status, code = 400, "IDEMPOTENCY_KEY_INVALID"


class IdempotencyKeyInUse(ApiError):
    status, code = 409, "IDEMPOTENCY_KEY_IN_USE"


class IdempotencyKeyReused(ApiError):
    status, code = 422, "IDEMPOTENCY_KEY_REUSED"


class ExportNotReady(ApiError):
    status, code = 409, "EXPORT_NOT_READY"


class RangeNotSatisfiable(ApiError):
    status, code = 416, "RANGE_NOT_SATISFIABLE"

    def __init__(self, size: int) -> None:
        super().__init__(f"the requested range is outside the file of {size} bytes")
        self.size = size

    def headers(self) -> Mapping[str, str]:
        return {"Content-Range": f"bytes */{self.size}"}


class NotReady(ApiError):
    status, code = 503, "NOT_READY"


class RateLimited(ApiError):
    status, code = 429, "RATE_LIMITED"

    def __init__(self, decision: RateDecision) -> None:
        super().__init__(f"rate limit of {decision.limit} requests per minute exceeded")
        self.decision = decision  # its headers are added to every keyed response (api.envelope)


# Errors of other layers and of the framework: (type, status, code), first match wins.
ERROR_TABLE: Final[tuple[tuple[type[Exception], int, str], ...]] = (
    (ConfigError, 400, "VALIDATION_ERROR"),
    (InvalidRequest, 400, "VALIDATION_ERROR"),
    (ValidationException, 400, "VALIDATION_ERROR"),
    (DataNotAvailable, 422, "DATA_NOT_AVAILABLE"),
    (DataDateMissing, 422, "DATA_NOT_AVAILABLE"),
    (StorageError, 503, "STORAGE_UNAVAILABLE"),  # the dataset's bucket, as /ready names it
    (InvalidConfig, 422, "INVALID_CONFIG"),
    (RunNotCompleted, 409, "RUN_NOT_SERVABLE"),  # an export of a run that has no snapshot
    (RequestEntityTooLarge, 413, "PAYLOAD_TOO_LARGE"),
    (UrlNotAllowed, 400, "URL_NOT_ALLOWED"),  # topic analyze: refused before any connection
    (FetchFailed, 422, "FETCH_FAILED"),
    (UnsupportedContent, 422, "UNSUPPORTED_CONTENT"),
    (NotFoundException, 404, "NOT_FOUND"),
    (MethodNotAllowedException, 405, "METHOD_NOT_ALLOWED"),
)
_MISSING_PARAMETER: Final = re.compile(r"Missing required \w+ parameter '([^']+)'")
INTERNAL: Final = ErrorReply(500, "INTERNAL_ERROR", "internal error")


def reply_for(exc: Exception) -> ErrorReply:
    """The wire form of any exception raised while handling a request."""
    if isinstance(exc, ApiError):
        return ErrorReply(exc.status, exc.code, exc.message, exc.details, exc.headers())
    for kind, status, code in ERROR_TABLE:
        if isinstance(exc, kind):
            return ErrorReply(status, code, _message(exc), _details(exc), _headers(exc))
    if isinstance(exc, HTTPException):
        code = _code_of(exc.status_code)
        return ErrorReply(exc.status_code, code, exc.detail, _details(exc), _headers(exc))
    return INTERNAL


def _headers(exc: Exception) -> Mapping[str, str]:
    """The framework's own headers of a refusal, e.g. the `Allow` of a 405 (RFC 9110)."""
    return (exc.headers or {}) if isinstance(exc, HTTPException) else {}


def _message(exc: Exception) -> str:
    if isinstance(exc, ConfigError | ValidationException):
        return "the request is invalid; see details"
    return exc.detail if isinstance(exc, HTTPException) else str(exc)


def _details(exc: Exception) -> Sequence[Problem]:
    if isinstance(exc, ConfigError | InvalidConfig | InvalidRequest):
        return exc.problems
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        return [_framework_problem(item) for item in exc.extra if isinstance(item, dict)]
    if isinstance(exc, HTTPException) and exc.status_code == 400:
        return [_framework_problem({"message": exc.detail})]  # a missing parameter, bad JSON
    if isinstance(exc, UrlNotAllowed | FetchFailed | UnsupportedContent):
        return [Problem("url", str(exc))]
    return ()


def _framework_problem(item: Mapping[str, object]) -> Problem:
    """Litestar names the whole body `data` and a body field by its wire name; a missing
    parameter only in its message."""
    message = str(item.get("message", "invalid"))
    missing = _MISSING_PARAMETER.search(message)
    key = str(item.get("key") or (missing.group(1) if missing else "body"))
    return Problem("body" if key == "data" else key, message)


def _code_of(status: int) -> str:
    """A framework refusal not in the table: 400 is a body it could not read, others by name."""
    if status == 400:
        return "VALIDATION_ERROR"
    return HTTPStatus(status).phrase.upper().replace(" ", "_").replace("-", "_")
