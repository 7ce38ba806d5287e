"""The OpenAPI document against the app's behaviour: schemathesis sends generated requests with
a valid key to every operation, with real ids for one completed run and its stored export, and
finds no server error and no answer that contradicts the document; then the schemathesis command
line runs every check, stateful phase included, against a real `intent serve`."""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis import APIOperation, BaseSchema, GenerationMode
from schemathesis.core.result import Err, Ok
from schemathesis.errors import InvalidSchema

from api.app import create_app
from cli.demo_data import popular_topics
from data.metadata.connect import open_store
from data.metadata.models import RunId
from jobs import accounts
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.services import connect
from jobs.settings import Settings
from jobs.work import InlineRunner
from tests.e2e.processes import IntentProcess, free_port, wait_for, wait_until_ready

pytestmark = pytest.mark.e2e
Operation = APIOperation[Any, Any, Any, Any]
MAX_EXAMPLES: Final = 6
# The checks that compare answers with the document; the others judge API design choices.
CHECKS: Final = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)


@dataclass(frozen=True)
class Seeded:
    api_key: str
    audience_id: str
    doomed_audience_id: str  # the one DELETE /audiences/{id} gets, so the others stay
    run_id: str
    export_id: str


def make_deps(home: Path, dataset: Path) -> JobDeps:
    env = {
        "INTENT_HOME": str(home),
        "INTENT_DATASET": str(dataset),
        "INTENT_RATE_LIMIT_PER_MINUTE": "1000000",
        "INTENT_REFUSED_KEYS_PER_MINUTE": "1000000",
    }
    deps = connect(Settings.from_env(env)).deps
    # runs and stored exports complete in-thread
    return replace(deps, runner=InlineRunner(produce_snapshot), enqueue_export=None)


def seed(app: Litestar, deps: JobDeps, topic_ids: list[int]) -> Seeded:
    now = datetime.now(UTC)
    accounts.create_organization(deps.store, "openapi", 10, now)
    key = accounts.create_api_key(deps.store, "openapi", now)[1]
    with TestClient(app) as http:
        http.headers["x-api-key"] = key
        body = {"name": "kept", "config": {"topicIds": topic_ids}}
        audience = http.post("/v1/intent/audiences", json=body).json()["data"]
        doomed = http.post("/v1/intent/audiences", json=body).json()["data"]
        runs = f"/v1/intent/audiences/{audience['id']}/runs"
        run = http.post(runs, json={}).json()["data"]
        execute_run(deps, RunId(run["id"]))
        export = http.post(f"{runs}/{run['id']}/exports", json={}).json()["data"]["export"]
    return Seeded(key, audience["id"], doomed["id"], run["id"], export["id"])


def schema_config(seeded: Seeded) -> dict[str, Any]:
    return {
        "headers": {"x-api-key": seeded.api_key},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }


def fixed_ids(operation: Operation, seeded: Seeded) -> dict[str, str]:
    """The seeded ids for the operation's path; DELETE of an audience gets the doomed one."""
    ids = {
        "audience_id": seeded.audience_id,
        "run_id": seeded.run_id,
        "export_id": seeded.export_id,
    }
    if operation.label == "DELETE /v1/intent/audiences/{audience_id}":
        ids["audience_id"] = seeded.doomed_audience_id
    names = {parameter.name for parameter in operation.path_parameters}
    return {name: value for name, value in ids.items() if name in names}


@pytest.fixture(scope="module")
def seeded_schema(
    tmp_path_factory: pytest.TempPathFactory, e2e_dataset: Path, topic_ids: list[int]
) -> tuple[BaseSchema, Seeded]:
    deps = make_deps(tmp_path_factory.mktemp("openapi"), e2e_dataset)
    app = create_app(deps.settings, deps)
    seeded = seed(app, deps, topic_ids)
    config = schemathesis.Config.from_dict(schema_config(seeded))
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app, config=config), seeded


def operation_of(result: Ok[Operation] | Err[InvalidSchema]) -> Operation:
    """The operation, or the reason its part of the document is not valid OpenAPI."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def modes_of(operation: Operation, seeded: Seeded) -> tuple[GenerationMode, ...]:
    """Invalid requests too, where something is left to make invalid (seeded ids are fixed)."""
    free_path = len(operation.path_parameters) > len(fixed_ids(operation, seeded))
    if operation.body or operation.query or free_path:
        return (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    return (GenerationMode.POSITIVE,)


def failures_of(operation: Operation, mode: GenerationMode, seeded: Seeded) -> str | None:
    """Schemathesis's report on the operation's generated cases, None when all pass."""
    ids = fixed_ids(operation, seeded)

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=ids))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case[Operation]) -> None:
        case.call_and_validate()

    try:
        check()
    except Unsatisfiable:  # fixed ids leave nothing to make invalid in this mode
        return None
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports in a group
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_every_operation_answers_as_the_openapi_document_says(
    seeded_schema: tuple[BaseSchema, Seeded],
) -> None:
    schema, seeded = seeded_schema
    operations = [operation_of(result) for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = [failures_of(op, mode, seeded) for op in operations for mode in modes_of(op, seeded)]
    assert not [failure for failure in failures if failure], "\n\n".join(filter(None, failures))


def test_offset_past_any_page_is_a_validation_error_not_a_server_error(
    seeded_schema: tuple[BaseSchema, Seeded],
) -> None:
    schema, seeded = seeded_schema
    with TestClient(schema.app) as http:
        http.headers["x-api-key"] = seeded.api_key
        reply = http.get("/v1/intent/audiences", params={"offset": 2**64})
    assert (reply.status_code, reply.json()["error"]["code"]) == (400, "VALIDATION_ERROR")


# --- the same document against a real `intent serve`, every check, stateful phase included ---

# Read by tests/e2e/openapi_hooks.py, which only the schemathesis process loads (its hooks are
# global: importing it here would change the in-process run above).
TOPIC_IDS_VARIABLE: Final = "INTENT_OPENAPI_TOPIC_IDS"
PAGE_URL_VARIABLE: Final = "INTENT_OPENAPI_PAGE_URL"
PAGE: Final = (
    b"<html><head><title>Acme payroll</title></head><body><h1>Acme</h1>"
    b"<p>Cloud payroll, expense management and accounting automation for finance teams.</p>"
    b"</body></html>"
)
ST_EXAMPLES: Final = 8  # per operation and phase: keeps the whole run to about a minute
ST_SECONDS: Final = 240.0
# Statuses a schema-valid request may still get: 422 is the API's answer for a well-formed
# request the current state refuses (a date without data, an idempotency key reused with
# another body), beside schemathesis's defaults.
ST_CONFIG: Final = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


@dataclass(frozen=True)
class Served:
    url: str
    api_key: str


class _Page(BaseHTTPRequestHandler):
    """The page topic analyze fetches in the run (on loopback, allowed by the served settings)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the run fetches it many times."""


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page.html"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, e2e_dataset: Path) -> Iterator[Served]:
    """`intent serve` with its workers in-process, on its own SQLite database."""
    home = tmp_path_factory.mktemp("openapi-served")
    env = {
        "INTENT_HOME": str(home),
        "INTENT_DATASET": str(e2e_dataset),
        "INTENT_DATABASE_URL": f"sqlite:///{home / 'intent.db'}",
        "INTENT_BROKER_URL": "memory://",
        "INTENT_RATE_LIMIT_PER_MINUTE": "1000000",
        "INTENT_REFUSED_KEYS_PER_MINUTE": "1000000",
        "INTENT_TOPICS_RATE_LIMIT_PER_MINUTE": "1000000",
        "INTENT_ANALYZE_ALLOW_PRIVATE": "1",  # the page to analyze is on loopback
        "INTENT_WEBHOOKS_ALLOW_PRIVATE": "1",  # webhook URLs the run generates may be local
        "INTENT_WORKER_THREADS": "1",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = IntentProcess(["serve", "--port", str(port)], env, home / "serve.log")
    try:
        wait_until_ready(process, url)
        store = open_store(env["INTENT_DATABASE_URL"], upgrade=False)
        now = datetime.now(UTC)
        accounts.create_organization(store, "openapi", 10, now)
        yield Served(url, accounts.create_api_key(store, "openapi", now)[1])
    finally:
        process.stop(signal.SIGKILL)


def schemathesis_command(served: Served, config: Path) -> list[str]:
    st = Path(sys.executable).parent / "st"
    return [
        str(st),
        "--config-file",
        str(config),
        "run",
        f"{served.url}/schema/openapi.json",
        "--header",
        f"x-api-key: {served.api_key}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(ST_EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--continue-on-failure",
        "--no-color",
    ]


def test_schemathesis_with_every_check_finds_nothing_on_a_served_api(
    served: Served, e2e_dataset: Path, page_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(ST_CONFIG)
    known = popular_topics(e2e_dataset, 20)  # more than a compare names, so ids stay distinct
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.e2e.openapi_hooks",
        TOPIC_IDS_VARIABLE: ",".join(map(str, known)),
        PAGE_URL_VARIABLE: page_url,
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    done = subprocess.run(
        schemathesis_command(served, config),
        env=env,
        cwd=tmp_path,  # where schemathesis keeps its cache
        capture_output=True,
        text=True,
        timeout=ST_SECONDS,
        check=False,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-20000:]
    assert "Stateful" in report
    assert "❌" not in report


def completed(reply: httpx.Response) -> dict[str, Any] | None:
    """The export link of a reply, once the export is completed."""
    link: dict[str, Any] = reply.json()["data"]
    return link if link["export"]["status"] == "completed" else None


def test_head_of_a_served_download_link_has_the_headers_of_get(
    served: Served, topic_ids: list[int]
) -> None:
    """What `curl -I` sees through uvicorn: 200, the length, ranges and GET's headers."""
    with httpx.Client(base_url=served.url, headers={"x-api-key": served.api_key}) as http:
        body = {"name": "head", "config": {"topicIds": topic_ids[:2]}}
        audience = http.post("/v1/intent/audiences", json=body).json()["data"]
        runs = f"/v1/intent/audiences/{audience['id']}/runs"
        run = http.post(runs, json={}).json()["data"]
        wait_for(
            lambda: http.get(f"{runs}/{run['id']}").json()["data"]["status"] == "completed" or None,
            120,  # behind the runs the schemathesis run queued
            "the run to complete",
        )
        export = http.post(f"{runs}/{run['id']}/exports", json={}).json()["data"]["export"]
        link = wait_for(
            lambda: completed(http.get(f"{runs}/{run['id']}/exports/{export['id']}")), 120, "export"
        )
        head, get = httpx.head(link["downloadUrl"]), httpx.get(link["downloadUrl"])
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.headers["content-length"] == str(link["export"]["byteSize"]) != "0"
    assert head.headers["accept-ranges"] == "bytes"
    assert head.content == b""
    same = {name for name in get.headers if name not in ("date", "x-request-id")}
    assert {name: head.headers.get(name) for name in same} == {n: get.headers[n] for n in same}
