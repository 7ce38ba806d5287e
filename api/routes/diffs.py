"""Diffs of two completed runs of one audience: who entered, exited and stayed, people matched by
person id, and pages or CSV of the people who entered or exited.

`against` names the older run; without it, the audience's latest completed run of an earlier
data date (404 NO_PREVIOUS_RUN when there is none). Both runs must be completed (else 409
RUN_NOT_SERVABLE) runs of the caller's audience (else 404).
"""

from dataclasses import dataclass
from typing import Annotated, Final

import msgspec
from anyio import to_thread
from litestar import Response, get
from litestar.enums import MediaType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import QueryParameter
from litestar.response import Stream

from api.auth import Caller
from api.context import AnyRequest, ApiContext
from api.envelope import json_bytes, meta
from api.errors import NoPreviousRun
from api.lookup import run_of
from api.openapi import keyed
from api.params import MAX_OFFSET, Ctx, PathId, Who
from api.result_pages import WIRE_COLUMNS
from api.routes.results import NOT_SERVABLE, RUN_PATH
from api.servable import snapshot_of
from api.wire.diffs import (
    DiffEnvelope,
    DiffOut,
    DiffPageEnvelope,
    EncodedDiffPage,
    EncodedDiffPageEnvelope,
)
from data.exports import CONTENT_TYPES, ExportFormat, iter_csv_rows
from data.metadata.models import Run
from data.snapshots.diff import Side, SnapshotDiff, page_rows, read_rows
from data.snapshots.json_rows import encode_table
from jobs.wire import run_out

DIFF_PATH: Final = f"{RUN_PATH}/diff"
NOT_FOUND: Final = (
    "NOT_FOUND: no such audience or run in this organization; NO_PREVIOUS_RUN: no `against` "
    "and the audience has no completed run of an earlier data date"
)
AGAINST: Final = (
    "The older run to compare with; by default the audience's latest completed run of an "
    "earlier data date"
)
Against = Annotated[str | None, QueryParameter(description=AGAINST)]
ERRORS: Final = keyed(404, 409, s404=NOT_FOUND, s409=NOT_SERVABLE)


@dataclass(frozen=True)
class RunPair:
    run: Run
    against: Run
    diff: SnapshotDiff

    def source(self, side: Side) -> Run:
        """The run whose snapshot holds the side's rows: exited people are in the older one."""
        return self.run if side == Side.ENTERED else self.against


def _pair(
    ctx: ApiContext, caller: Caller, audience_id: str, run_id: str, against: str | None
) -> RunPair:
    run = run_of(ctx, caller, audience_id, run_id)
    newer = snapshot_of(run)
    older_run = _against(ctx, caller, audience_id, run, against)
    return RunPair(run, older_run, ctx.diffs.diff(newer, snapshot_of(older_run), older_run.id))


def _against(
    ctx: ApiContext, caller: Caller, audience_id: str, run: Run, against: str | None
) -> Run:
    if against is not None:
        return run_of(ctx, caller, audience_id, against)
    previous = ctx.store.previous_completed_run(run.audience_id, run.data_date)
    if previous is None:
        raise NoPreviousRun(
            f"the audience has no completed run of a data date before {run.data_date}; "
            "name one with `against`"
        )
    return previous


@get(
    DIFF_PATH,
    responses={
        200: ResponseSpec(DiffEnvelope, description="The diff's counts", generate_examples=False),
        **ERRORS,
    },
    summary="How many people entered, exited and stayed since another run of the audience",
)
async def get_diff(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    run_id: PathId,
    against: Against = None,
) -> Response[bytes]:
    pair = await to_thread.run_sync(_pair, ctx, caller, audience_id, run_id, against)
    diff = pair.diff
    out = DiffOut(
        run_out(pair.run), run_out(pair.against), len(diff.entered), len(diff.exited), diff.stayed
    )
    body = json_bytes(DiffEnvelope(out, meta(ctx, request.scope)))
    return Response(body, media_type=MediaType.JSON)


def _page_handler(side: Side) -> HTTPRouteHandler:
    """`GET .../diff/<side>`: a page of the side's rows, shaped as a page of results."""

    @get(
        f"{DIFF_PATH}/{side.value}",
        name=f"diff-{side.value}",
        operation_id=f"GetDiff{side.value.capitalize()}",
        responses={
            200: ResponseSpec(
                DiffPageEnvelope,
                description=f"A page of the people who {side.value}",
                generate_examples=False,
            ),
            **ERRORS,
        },
        summary=f"A page of the people who {side.value}, in rank order",
    )
    async def get_page(
        request: AnyRequest,
        ctx: Ctx,
        caller: Who,
        audience_id: PathId,
        run_id: PathId,
        against: Against = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Response[bytes]:
        pair = await to_thread.run_sync(_pair, ctx, caller, audience_id, run_id, against)
        rows = await to_thread.run_sync(_page, ctx, pair, side, offset, limit)
        page = EncodedDiffPage(
            run_out(pair.run),
            run_out(pair.against),
            msgspec.Raw(rows),
            len(pair.diff.rows(side)),
            limit,
            offset,
        )
        body = json_bytes(EncodedDiffPageEnvelope(page, meta(ctx, request.scope)))
        return Response(body, media_type=MediaType.JSON)

    return get_page


def _page(ctx: ApiContext, pair: RunPair, side: Side, offset: int, limit: int) -> bytes:
    """The JSON array of the page's rows, read from the row groups that hold them."""
    results = ctx.snapshots.open_results(snapshot_of(pair.source(side)))
    table = read_rows(results, page_rows(pair.diff.rows(side), offset, limit))
    encoded = encode_table(table, WIRE_COLUMNS)
    return b"".join([b"[", encoded.cut(0, len(encoded)), b"]"])


def _csv_handler(side: Side) -> HTTPRouteHandler:
    """`GET .../diff/<side>/export.csv`: every row of the side as one CSV attachment."""
    csv = ExportFormat.CSV

    @get(
        f"{DIFF_PATH}/{side.value}/export.csv",
        sync_to_thread=True,
        name=f"diff-{side.value}-csv",
        operation_id=f"StreamDiff{side.value.capitalize()}Csv",
        responses={
            200: ResponseSpec(
                bytes,
                description=f"The people who {side.value} as CSV, in the columns of export.csv; "
                "X-Export-Row-Count has the rows",
                media_type=CONTENT_TYPES[csv],
                generate_examples=False,
            ),
            **ERRORS,
        },
        summary=f"Stream the people who {side.value} as CSV",
    )
    def stream_csv(
        ctx: Ctx, caller: Who, audience_id: PathId, run_id: PathId, against: Against = None
    ) -> Stream:
        pair = _pair(ctx, caller, audience_id, run_id, against)
        rows = pair.diff.rows(side)
        results = ctx.snapshots.open_results(snapshot_of(pair.source(side)), whole=True)
        name = f"run-{pair.run.id}-{side.value}-since-{pair.against.id}.csv"
        return Stream(
            ctx.deps.metrics.counted_export(csv.value, iter_csv_rows(results, rows)),
            media_type=CONTENT_TYPES[csv],
            headers={
                "Content-Type": CONTENT_TYPES[csv],
                "X-Export-Row-Count": str(len(rows)),
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )

    return stream_csv


HANDLERS = [
    get_diff,
    *(_page_handler(side) for side in Side),
    *(_csv_handler(side) for side in Side),
]
