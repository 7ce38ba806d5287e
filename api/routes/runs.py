"""Runs of an audience: queue one (idempotently), list, get, and cancel a queued one.

Runs are created only through `jobs.submit.submit_run`, the path the scheduler uses too.
"""

from typing import Annotated

from litestar import Response, delete, get, post
from litestar.enums import MediaType
from litestar.openapi import ResponseSpec
from litestar.params import FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from api import idempotency
from api.context import AnyRequest
from api.envelope import json_bytes, meta
from api.errors import RunNotCancellable
from api.idempotency import Reply
from api.lookup import audience_of, run_of
from api.openapi import keyed
from api.params import MAX_OFFSET, Ctx, PathId, Who
from api.wire.runs import DATE_PATTERN, RunCreate, RunEnvelope, RunListEnvelope
from engine.states import RunStatus, RunType
from jobs.idempotency import RETENTION
from jobs.submit import submit_run
from jobs.wire import run_out

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name=idempotency.HEADER,
        description=(
            "1-120 printable ASCII characters; repeats within "
            f"{RETENTION.total_seconds() / 3600:g} h replay the first reply"
        ),
        # Documented only: a broken key is refused as IDEMPOTENCY_KEY_INVALID by
        # `idempotency.check_key`, not as a framework validation error. HTTP strips spaces at
        # either end of a header value, so the first and last characters are never spaces.
        schema_extra={"pattern": r"^[\x21-\x7e]([\x20-\x7e]{0,118}[\x21-\x7e])?$"},
    ),
]


@post(
    "/audiences/{audience_id:str}/runs",
    sync_to_thread=True,
    status_code=HTTP_202_ACCEPTED,
    responses={
        202: ResponseSpec(RunEnvelope, description="The queued run", generate_examples=False),
        **keyed(
            404,
            409,
            413,
            422,
            s400="VALIDATION_ERROR, or IDEMPOTENCY_KEY_INVALID",
            s409="IDEMPOTENCY_KEY_IN_USE: a request with this key is still being handled",
            s422="DATA_NOT_AVAILABLE, INVALID_CONFIG, or IDEMPOTENCY_KEY_REUSED",
        ),
    },
    summary="Queue a manual run of the audience",
)
def create_run(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    idempotency_key: IdempotencyKey = None,
    data: JSONBody[RunCreate | None] = None,
) -> Response[bytes]:
    body = data or RunCreate()
    key = idempotency.check_key(idempotency_key)
    audience = audience_of(ctx, caller, audience_id)  # a deleted one's replies are not replayed

    def produce() -> Reply:
        run = submit_run(
            ctx.deps,
            audience=audience,
            run_type=RunType.MANUAL,
            data_date=body.data_date,
            now=ctx.now(),
        )
        return Reply(
            HTTP_202_ACCEPTED, json_bytes(RunEnvelope(run_out(run), meta(ctx, request.scope)))
        )

    if key is None:
        return send_reply(produce())
    fingerprint = idempotency.fingerprint_of(audience.id, json_bytes(body))
    return send_reply(
        idempotency.once(ctx.store, caller.org_id, key, fingerprint, ctx.now(), produce)
    )


@get(
    "/audiences/{audience_id:str}/runs",
    sync_to_thread=True,
    responses=keyed(404),
    summary="List the audience's runs, newest first",
)
def list_runs(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    status: FromQuery[RunStatus | None] = None,
    run_type: Annotated[RunType | None, QueryParameter(name="runType")] = None,
    data_date: Annotated[str | None, QueryParameter(name="dataDate", pattern=DATE_PATTERN)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 25,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
) -> RunListEnvelope:
    audience = audience_of(ctx, caller, audience_id)
    runs = ctx.store.list_runs(
        audience.id, status, limit, offset, run_type=run_type, data_date=data_date
    )
    page = meta(ctx, request.scope, limit=limit, offset=offset)
    return RunListEnvelope([run_out(run) for run in runs], page)


@get(
    "/audiences/{audience_id:str}/runs/{run_id:str}",
    sync_to_thread=True,
    responses=keyed(404),
    summary="Get a run",
)
def get_run(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId
) -> RunEnvelope:
    run = run_of(ctx, caller, audience_id, run_id)
    return RunEnvelope(run_out(run), meta(ctx, request.scope))


@delete(
    "/audiences/{audience_id:str}/runs/{run_id:str}",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(404, 409, s409="RUN_NOT_CANCELLABLE: only a queued run can be cancelled"),
    summary="Cancel a queued run",
)
def cancel_run(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId
) -> RunEnvelope:
    run = run_of(ctx, caller, audience_id, run_id)
    if run.status != RunStatus.QUEUED or not ctx.store.cancel_run(run.id, ctx.now()):
        current = run_of(ctx, caller, audience_id, run_id).status
        raise RunNotCancellable(f"the run is {current}; only a queued run can be cancelled")
    cancelled = run_of(ctx, caller, audience_id, run_id)
    return RunEnvelope(run_out(cancelled), meta(ctx, request.scope))


HANDLERS = [create_run, list_runs, get_run, cancel_run]


def send_reply(reply: Reply) -> Response[bytes]:
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else {}
    return Response(
        reply.body, status_code=reply.status, media_type=MediaType.JSON, headers=headers
    )
