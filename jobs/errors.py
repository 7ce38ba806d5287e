"""Errors of the jobs layer: each carries a stable `code` and says whether a retry can help.

JobError                  base: `code` (upper snake case) and `retryable` belong to the type
 ├── DataNotAvailable     DATA_NOT_AVAILABLE    no complete data for the date       permanent
 ├── InvalidConfig        INVALID_CONFIG        the stored config is invalid        permanent
 ├── RunTimedOut          TIMEOUT               the run passed its time limit       permanent
 ├── WorkerLost           WORKER_LOST           the worker vanished (lease expired) retryable
 ├── InternalError        INTERNAL              anything unexpected                 retryable
 ├── EngineFailed         INTERNAL              the engine refused the input        permanent
 ├── DuplicateRun         DUPLICATE_RUN         that daily run exists already
 ├── InvalidRequest       VALIDATION_ERROR      a request's fields do not fit (names each)
 ├── RunNotCompleted      RUN_NOT_SERVABLE      an export of a run without snapshot
 ├── WorkCancelled        CANCELLED             work stopped from outside (not stored)
 ├── BrokerUrlError       BROKER_URL            INTENT_BROKER_URL names no broker
 ├── OrganizationExists   ORGANIZATION_EXISTS   that organization name is taken
 ├── UnknownOrganization  UNKNOWN_ORGANIZATION  no organization has that name
 ├── UnknownApiKey        UNKNOWN_API_KEY       no live API key has that id
 ├── UrlNotAllowed        URL_NOT_ALLOWED       an outbound URL's scheme or address is refused
 ├── FetchFailed          FETCH_FAILED          the page could not be fetched         retryable
 ├── UnsupportedContent   UNSUPPORTED_CONTENT   the page is neither HTML nor text
 ├── StorageUnavailable   STORAGE_UNAVAILABLE   bucket missing or endpoint down        retryable
 └── StorageAccessDenied  STORAGE_ACCESS_DENIED the object store refused the credentials
"""

from typing import ClassVar

from engine.errors import Problem


class JobError(Exception):
    """Base class of every jobs error; a failed run stores `code` and the message."""

    code: ClassVar[str] = "INTERNAL"
    retryable: ClassVar[bool] = False


class DataNotAvailable(JobError):
    """The requested data date (or the latest one) has no complete data; the message names it."""

    code = "DATA_NOT_AVAILABLE"


class InvalidConfig(JobError):
    """The audience's stored config no longer validates; `problems` names each field."""

    code = "INVALID_CONFIG"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class RunTimedOut(JobError):
    """The work passed `run_time_limit_seconds` and was stopped; the same input would again."""

    code = "TIMEOUT"


class WorkerLost(JobError):
    """The worker holding the run stopped renewing its lease (crash, kill, partition)."""

    code = "WORKER_LOST"
    retryable = True


class InternalError(JobError):
    """An unexpected failure (I/O, a crashed child process, a bug); retried while attempts last."""

    code = "INTERNAL"
    retryable = True


class EngineFailed(JobError):
    """The engine refused the run's input; pure compute fails the same way every time."""

    code = "INTERNAL"


class DuplicateRun(JobError):
    """A daily run for that audience, data date and run type exists already."""

    code = "DUPLICATE_RUN"


class InvalidRequest(JobError):
    """A request to the jobs layer whose fields do not fit; `problems` names each field."""

    code = "VALIDATION_ERROR"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class RunNotCompleted(JobError):
    """An export was asked of a run that has no snapshot (not completed)."""

    code = "RUN_NOT_SERVABLE"


class WorkCancelled(JobError):
    """The work was stopped because its lease was lost: another attempt may own the run now."""

    code = "CANCELLED"


class BrokerUrlError(JobError):
    """INTENT_BROKER_URL has a scheme other than memory://, redis:// or amqp://."""

    code = "BROKER_URL"


class OrganizationExists(JobError):
    """An organization with that name exists already; the message names it."""

    code = "ORGANIZATION_EXISTS"


class UnknownOrganization(JobError):
    """No organization has that name; the message names it."""

    code = "UNKNOWN_ORGANIZATION"


class UnknownApiKey(JobError):
    """No API key with that id exists, or it is revoked already; the message names the id."""

    code = "UNKNOWN_API_KEY"


class UrlNotAllowed(JobError):
    """An outbound URL is refused before any connection: not http(s), or its host resolves to a
    private, loopback, link-local, multicast or reserved address; the message says which."""

    code = "URL_NOT_ALLOWED"


class FetchFailed(JobError):
    """A page could not be fetched: unresolvable name, connection error, timeout, an error
    status or too many redirects; the message says which."""

    code = "FETCH_FAILED"
    retryable = True


class UnsupportedContent(JobError):
    """A fetched page is neither HTML nor plain text; the message names its content type."""

    code = "UNSUPPORTED_CONTENT"


class StorageUnavailable(JobError):
    """The object store cannot be used: a missing bucket or an endpoint that does not answer;
    the message names the bucket and endpoint. Retried: either may come back."""

    code = "STORAGE_UNAVAILABLE"
    retryable = True


class StorageAccessDenied(JobError):
    """The object store refused the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)."""

    code = "STORAGE_ACCESS_DENIED"
