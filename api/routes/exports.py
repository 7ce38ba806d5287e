"""Stored exports of a run: queue or reuse one per format, list them, get one; each answer
carries a freshly signed download URL, which answers 409 EXPORT_NOT_READY until the export is
completed."""

from litestar import Response, get, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from api.context import AnyRequest
from api.envelope import meta
from api.links import export_link
from api.lookup import export_of, run_of
from api.openapi import keyed
from api.params import Ctx, PathId, Who
from api.servable import snapshot_of
from api.wire.exports import ExportCreate, ExportEnvelope, ExportListEnvelope
from engine.states import ExportStatus
from jobs.exports import ensure_export

EXPORTS_PATH = "/audiences/{audience_id:str}/runs/{run_id:str}/exports"


@post(
    EXPORTS_PATH,
    sync_to_thread=True,
    status_code=HTTP_202_ACCEPTED,
    responses={
        200: ResponseSpec(ExportEnvelope, description="The completed export of that format"),
        202: ResponseSpec(
            ExportEnvelope,
            description="The export being built (queued by this request, or still processing)",
            generate_examples=False,
        ),
        **keyed(404, 409, 413, s409="RUN_NOT_SERVABLE: the run is not completed"),
    },
    summary="Queue (202) or reuse (200 when completed) the stored export of the run in a format",
)
def create_export(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    run_id: PathId,
    data: JSONBody[ExportCreate | None] = None,
) -> Response[ExportEnvelope]:
    run = run_of(ctx, caller, audience_id, run_id)
    snapshot_of(run)  # only a completed run has anything to export
    fmt = (data or ExportCreate()).format
    export, queued = ensure_export(ctx.deps, run, fmt, ctx.now())
    body = ExportEnvelope(export_link(ctx, request, export), meta(ctx, request.scope))
    reused = not queued and export.status == ExportStatus.COMPLETED
    return Response(body, status_code=HTTP_200_OK if reused else HTTP_202_ACCEPTED)


@get(EXPORTS_PATH, sync_to_thread=True, responses=keyed(404), summary="The run's stored exports")
def list_exports(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId
) -> ExportListEnvelope:
    run = run_of(ctx, caller, audience_id, run_id)
    links = [export_link(ctx, request, e) for e in ctx.store.list_exports(run.id)]
    return ExportListEnvelope(links, meta(ctx, request.scope))


@get(
    EXPORTS_PATH + "/{export_id:str}",
    sync_to_thread=True,
    responses=keyed(404),
    summary="One stored export",
)
def get_export(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    run_id: PathId,
    export_id: PathId,
) -> ExportEnvelope:
    export = export_of(ctx, caller, run_of(ctx, caller, audience_id, run_id), export_id)
    return ExportEnvelope(export_link(ctx, request, export), meta(ctx, request.scope))


HANDLERS = [create_export, list_exports, get_export]
