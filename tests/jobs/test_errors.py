"""Run failures carry stable codes, and whether a retry can help is part of each error type."""

from data.errors import DataDateMissing, StorageError
from engine.errors import ConfigError, EngineError, Problem
from jobs import errors
from jobs.failures import as_job_error

STORED_ON_RUNS = {
    errors.DataNotAvailable: ("DATA_NOT_AVAILABLE", False),
    errors.InvalidConfig: ("INVALID_CONFIG", False),
    errors.RunTimedOut: ("TIMEOUT", False),
    errors.WorkerLost: ("WORKER_LOST", True),
    errors.InternalError: ("INTERNAL", True),
    errors.EngineFailed: ("INTERNAL", False),
}


def test_run_error_codes_and_retryability_are_stable() -> None:
    assert {kind: (kind.code, kind.retryable) for kind in STORED_ON_RUNS} == STORED_ON_RUNS


def test_missing_data_date_is_permanent() -> None:
    error = as_job_error(DataDateMissing("data date 2024-06-01 is not complete"))
    assert (error.code, error.retryable) == ("DATA_NOT_AVAILABLE", False)


def test_invalid_config_keeps_every_problem() -> None:
    problem = Problem("config.topicIds", "is required")
    error = as_job_error(ConfigError([problem]))
    assert (error.code, error.problems) == ("INVALID_CONFIG", [problem])


def test_engine_refusal_is_permanent() -> None:
    assert not as_job_error(EngineError("backends disagree")).retryable


def test_unforeseen_failure_is_internal_and_retryable() -> None:
    error = as_job_error(OSError("disk full"))
    assert (error.code, error.retryable, str(error)) == ("INTERNAL", True, "OSError: disk full")


def test_storage_failures_become_storage_codes() -> None:
    denied = as_job_error(StorageError("bucket 'b' refused the credentials", "denied"))
    missing = as_job_error(StorageError("bucket 'b' does not exist", "missing"))
    down = as_job_error(StorageError("bucket 'b' at http://x cannot be used"))
    assert (denied.code, denied.retryable) == ("STORAGE_ACCESS_DENIED", False)
    assert (missing.code, missing.retryable) == ("STORAGE_UNAVAILABLE", True)
    assert (down.code, down.retryable) == ("STORAGE_UNAVAILABLE", True)
    assert "bucket 'b'" in str(missing)
