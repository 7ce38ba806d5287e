"""Backfills of an audience: one `backfill` run per complete date of a range, idempotently."""

from litestar import Response, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from api import idempotency
from api.context import AnyRequest
from api.envelope import json_bytes, meta
from api.idempotency import Reply
from api.lookup import audience_of
from api.openapi import keyed
from api.params import Ctx, PathId, Who
from api.routes.runs import IdempotencyKey, send_reply
from api.wire.runs import BackfillCreate, BackfillEnvelope, BackfillOut
from jobs.backfill import MAX_BACKFILL_DATES, backfill
from jobs.wire import run_out


@post(
    "/audiences/{audience_id:str}/backfills",
    sync_to_thread=True,
    status_code=HTTP_202_ACCEPTED,
    responses={
        202: ResponseSpec(
            BackfillEnvelope, description="The queued backfill runs", generate_examples=False
        ),
        **keyed(
            404,
            409,
            413,
            422,
            s400=(
                "VALIDATION_ERROR (dates not YYYY-MM-DD, `to` before `from`, more than "
                f"{MAX_BACKFILL_DATES} dates), or IDEMPOTENCY_KEY_INVALID"
            ),
            s409="IDEMPOTENCY_KEY_IN_USE: a request with this key is still being handled",
            s422="DATA_NOT_AVAILABLE (no complete date in the range), INVALID_CONFIG, "
            "or IDEMPOTENCY_KEY_REUSED",
        ),
    },
    summary="Queue one backfill run per complete data date of a range",
    description=(
        f"At most {MAX_BACKFILL_DATES} dates per call. A date that already has a completed run "
        "with the audience's current configHash is skipped unless `force` is true."
    ),
)
def create_backfill(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    audience_id: PathId,
    data: JSONBody[BackfillCreate],
    idempotency_key: IdempotencyKey = None,
) -> Response[bytes]:
    key = idempotency.check_key(idempotency_key)
    audience = audience_of(ctx, caller, audience_id)

    def produce() -> Reply:
        done = backfill(
            ctx.deps,
            audience=audience,
            start=data.from_,
            end=data.to,
            force=data.force,
            now=ctx.now(),
        )
        out = BackfillOut([run_out(run) for run in done.runs], done.skipped)
        return Reply(HTTP_202_ACCEPTED, json_bytes(BackfillEnvelope(out, meta(ctx, request.scope))))

    if key is None:
        return send_reply(produce())
    fingerprint = idempotency.fingerprint_of(f"{audience.id}/backfills", json_bytes(data))
    return send_reply(
        idempotency.once(ctx.store, caller.org_id, key, fingerprint, ctx.now(), produce)
    )


HANDLERS = [create_backfill]
