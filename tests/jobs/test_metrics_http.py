"""The metrics port of `intent worker` and `intent scheduler`: the process's own metrics, the
bearer token when one is set, and a clear error for a port that cannot be listened on."""

import socket
from collections.abc import Iterator

import httpx
import pytest

from jobs.deps import JobDeps
from jobs.errors import JobError
from jobs.metrics import JobMetrics
from jobs.metrics_http import serve_metrics
from jobs.worker import MetricsAddress, metrics_served
from tests.e2e.processes import free_port


@pytest.fixture
def observed() -> JobMetrics:
    metrics = JobMetrics()
    metrics.observe_run("duckdb", {"total": 1.5})
    metrics.count_s3_request("put", 4)
    return metrics


@pytest.fixture
def job_deps(make_deps, memory_store) -> JobDeps:
    return make_deps(memory_store)


@pytest.fixture
def port() -> int:
    return free_port()


def _serving(metrics: JobMetrics, port: int, token: str | None) -> Iterator[str]:
    stop = serve_metrics(metrics.registry, "127.0.0.1", port, token)
    try:
        yield f"http://127.0.0.1:{port}/metrics"
    finally:
        stop()


def test_the_process_metrics_are_served(observed: JobMetrics, port: int) -> None:
    for url in _serving(observed, port, None):
        text = httpx.get(url).text
    assert 'intent_s3_requests_total{operation="put"} 4.0' in text
    assert 'intent_run_duration_seconds_count{backend="duckdb",stage="total"} 1.0' in text


def test_a_set_token_is_wanted_as_a_bearer_token(observed: JobMetrics, port: int) -> None:
    for url in _serving(observed, port, "scrape-token"):
        refused = httpx.get(url)
        wrong = httpx.get(url, headers={"Authorization": "Bearer other"})
        given = httpx.get(url, headers={"Authorization": "Bearer scrape-token"})
    assert (refused.status_code, wrong.status_code, given.status_code) == (401, 401, 200)
    assert "INTENT_METRICS_TOKEN" in refused.text
    assert "intent_s3_requests_total" in given.text


def test_a_taken_port_is_a_clear_error(job_deps: JobDeps) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = metrics_served(job_deps, MetricsAddress("127.0.0.1", port))
        with pytest.raises(JobError, match=f"cannot serve metrics on 127.0.0.1:{port}"):
            served.__enter__()


def test_metrics_are_served_only_while_the_block_runs(job_deps: JobDeps, port: int) -> None:
    with metrics_served(job_deps, MetricsAddress("127.0.0.1", port)):
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics")
