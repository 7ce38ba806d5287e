"""The OpenAPI document against the app's behaviour: schemathesis sends generated requests with
a valid key to every operation, with real ids for one completed run and its stored export, and
finds no server error and no answer that contradicts the document."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

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
from data.metadata.models import RunId
from jobs import accounts
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.services import connect
from jobs.settings import Settings
from jobs.work import InlineRunner

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
    }
    deps = connect(Settings.from_env(env)).deps
    return replace(deps, runner=InlineRunner(produce_snapshot))  # runs complete in-thread


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
