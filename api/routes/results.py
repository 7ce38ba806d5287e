"""Reading a run: result pages, stats, and the whole run streamed as CSV, Parquet or JSON Lines.

A completed run is served from its snapshot; queued or running: 202; failed or cancelled: 409.
"""

from typing import Annotated, Final

import msgspec
from anyio import to_thread
from litestar import Response, get
from litestar.enums import MediaType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_202_ACCEPTED

from api.context import AnyRequest, ApiContext
from api.envelope import json_bytes, meta
from api.lookup import run_of
from api.openapi import keyed
from api.params import MAX_OFFSET, Ctx, PathId, Who
from api.servable import pending_state, snapshot_of
from api.wire.results import (
    EncodedResultsEnvelope,
    EncodedResultsPage,
    ResultsEnvelope,
    ResultsPage,
    StatsEnvelope,
    StatsPage,
    empty_stats,
    stats_of,
)
from api.wire.runs import PendingRun, PendingRunEnvelope
from data.exports import CONTENT_TYPES, ExportFormat, iter_export
from data.metadata.models import Run
from jobs.wire import run_out

RUN_PATH: Final = "/audiences/{audience_id:str}/runs/{run_id:str}"
NOT_SERVABLE: Final = "RUN_NOT_SERVABLE: the run failed or was cancelled"


def _pending(model: type, what: str) -> ResponseSpec:
    return ResponseSpec(model, description=f"The run is queued or running: {what}")


@get(
    f"{RUN_PATH}/results",
    responses={
        200: ResponseSpec(
            ResultsEnvelope, description="A page of results", generate_examples=False
        ),
        202: _pending(ResultsEnvelope, "no results yet"),
        **keyed(404, 409, s409=NOT_SERVABLE),
    },
    summary="A page of the run's results in rank order",
)
async def get_results(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    run_id: PathId,
    limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
) -> Response[bytes]:
    """The run is looked up on a worker thread; rows are cut from JSON that `ctx.pages` keeps
    per row group, and sent as they are."""
    run = await to_thread.run_sync(run_of, ctx, caller, audience_id, run_id)
    state = pending_state(run)
    if state is not None:
        pending = ResultsPage(run_out(run), [], 0, limit, offset, state=state)
        body = json_bytes(ResultsEnvelope(pending, meta(ctx, request.scope)))
        return Response(body, status_code=HTTP_202_ACCEPTED, media_type=MediaType.JSON)
    rows, total = await ctx.pages.page(snapshot_of(run), offset, limit)
    page = EncodedResultsPage(run_out(run), msgspec.Raw(rows), total, limit, offset)
    body = json_bytes(EncodedResultsEnvelope(page, meta(ctx, request.scope)))
    return Response(body, media_type=MediaType.JSON)


@get(
    f"{RUN_PATH}/stats",
    sync_to_thread=True,
    responses={202: _pending(StatsEnvelope, "empty stats"), **keyed(404, 409, s409=NOT_SERVABLE)},
    summary="Fill rates, score histogram and averages of the run's results",
)
def get_stats(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId
) -> Response[StatsEnvelope]:
    run = run_of(ctx, caller, audience_id, run_id)
    state = pending_state(run)
    if state is not None:
        page = StatsPage(run_out(run), empty_stats(), state=state)
        return Response(
            StatsEnvelope(page, meta(ctx, request.scope)), status_code=HTTP_202_ACCEPTED
        )
    stats = stats_of(ctx.snapshots.read_stats(snapshot_of(run)))
    return Response(StatsEnvelope(StatsPage(run_out(run), stats), meta(ctx, request.scope)))


def _stream_handler(fmt: ExportFormat) -> HTTPRouteHandler:
    """`GET .../export.<fmt>`: the whole run as one attachment, produced batch by batch."""

    @get(
        f"{RUN_PATH}/export.{fmt.value}",
        sync_to_thread=True,
        name=f"export-{fmt.value}",
        operation_id=f"StreamExport{fmt.value.capitalize()}",
        responses={
            200: ResponseSpec(
                bytes,
                description=f"The run's results as {fmt.value}; X-Export-Row-Count has the rows",
                media_type=CONTENT_TYPES[fmt],
                generate_examples=False,
            ),
            202: _pending(PendingRunEnvelope, "nothing to export yet"),
            **keyed(404, 409, s409=NOT_SERVABLE),
        },
        summary=f"Stream the run's results as {fmt.value}",
    )
    def stream_export(
        request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId
    ) -> Response[PendingRunEnvelope] | Stream:
        run = run_of(ctx, caller, audience_id, run_id)
        state = pending_state(run)
        if state is not None:
            body = PendingRunEnvelope(PendingRun(run_out(run), state), meta(ctx, request.scope))
            return Response(body, status_code=HTTP_202_ACCEPTED)
        return _stream(ctx, run, fmt)

    return stream_export


def _stream(ctx: ApiContext, run: Run, fmt: ExportFormat) -> Stream:
    results = ctx.snapshots.open_results(snapshot_of(run), whole=True)
    return Stream(
        ctx.deps.metrics.counted_export(fmt.value, iter_export(results, fmt.value)),
        media_type=CONTENT_TYPES[fmt],
        headers={
            "Content-Type": CONTENT_TYPES[fmt],  # complete, charset included: sent as it is
            "X-Export-Row-Count": str(results.metadata.num_rows),
            "Content-Disposition": f'attachment; filename="run-{run.id}.{fmt.value}"',
        },
    )


HANDLERS = [get_results, get_stats, *(_stream_handler(fmt) for fmt in ExportFormat)]
