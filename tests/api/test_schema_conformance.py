"""Property-based conformance: schemathesis drives every operation of the OpenAPI document
with a valid key and finds no server error and no response the document does not describe.

Half of the cases use the ids of real resources so that success paths are exercised too.
"""

import itertools

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.factories import Api, Tenant

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 10


def _real_ids(api: Api, tenant: Tenant) -> dict[str, str]:
    audience_id, run_id = api.completed_run(tenant)
    url = api.run_url(audience_id, run_id, "/exports")
    export = api.client.post(url, json={}, headers=tenant.headers).json()["data"]["export"]
    return {"audience_id": audience_id, "run_id": run_id, "export_id": export["id"]}


def _aim(case: schemathesis.Case, ids: dict[str, str], turn: int) -> None:
    """Every other case (never a delete) is pointed at real resources."""
    if case.path_parameters and case.method != "DELETE" and turn % 2:
        case.path_parameters = {k: ids.get(k, v) for k, v in case.path_parameters.items()}


def test_every_operation_conforms_to_the_document(api: Api, tenant: Tenant) -> None:
    ids, turns = _real_ids(api, tenant), itertools.count()
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 23
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: schemathesis.Case) -> None:
            _aim(case, ids, next(turns))
            case.call_and_validate(headers=tenant.headers, checks=CHECKS)

        conforms()
