"""Audiences: create, list, get, patch and delete, with the organization's audience slots.

Becoming `active` takes a slot; the store refuses atomically when none is free (403 SLOTS_FULL).
"""

import uuid
from dataclasses import replace
from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.context import AnyRequest, ApiContext
from api.envelope import meta
from api.errors import NotFound, SlotsFull
from api.lookup import audience_of
from api.openapi import keyed
from api.params import MAX_OFFSET, Ctx, PathId, Who, parse_request_config
from api.wire.audiences import (
    AudienceCreate,
    AudienceEnvelope,
    AudienceListEnvelope,
    AudienceOut,
    AudiencePatch,
    AudienceStatus,
    audience_out,
)
from api.wire.common import Deleted, DeletedEnvelope
from data.metadata.models import Audience, AudienceId
from data.metadata.store import MetadataStore

ACTIVE = "active"


@post(
    "/audiences",
    sync_to_thread=True,
    status_code=HTTP_201_CREATED,
    responses=keyed(413, 403, s403="SLOTS_FULL: no free audience slot to make it active"),
    summary="Create an audience",
)
def create_audience(
    request: AnyRequest, ctx: Ctx, caller: Who, data: JSONBody[AudienceCreate]
) -> AudienceEnvelope:
    parsed = parse_request_config(ctx, data.config)
    now = ctx.now()
    draft = Audience(
        id=AudienceId(str(uuid.uuid4())),
        organization_id=caller.org_id,
        name=data.name,
        status="draft" if data.status == ACTIVE else data.status,
        config_json=parsed.canonical_json,
        config_hash=parsed.config_hash,
        created_at=now,
        updated_at=now,
    )
    ctx.store.create_audience(draft)
    audience = _activate_new(ctx, draft) if data.status == ACTIVE else draft
    return AudienceEnvelope(_out(ctx.store, audience), meta(ctx, request.scope))


@get(
    "/audiences",
    sync_to_thread=True,
    responses=keyed(),
    summary="List audiences, newest first",
)
def list_audiences(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    status: FromQuery[AudienceStatus | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
) -> AudienceListEnvelope:
    found, total = ctx.store.list_audiences(caller.org_id, status, limit, offset)
    page = meta(ctx, request.scope, total=total, limit=limit, offset=offset)
    return AudienceListEnvelope([_out(ctx.store, a) for a in found], page)


@get(
    "/audiences/{audience_id:str}",
    sync_to_thread=True,
    responses=keyed(404),
    summary="Get an audience",
)
def get_audience(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId
) -> AudienceEnvelope:
    audience = audience_of(ctx, caller, audience_id)
    return AudienceEnvelope(_out(ctx.store, audience), meta(ctx, request.scope))


@patch(
    "/audiences/{audience_id:str}",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(404, 413, 403, s403="SLOTS_FULL: no free audience slot to make it active"),
    summary="Rename, activate, pause or edit an audience (existing runs keep their config)",
)
def patch_audience(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId, data: JSONBody[AudiencePatch]
) -> AudienceEnvelope:
    audience = audience_of(ctx, caller, audience_id)
    changed = _patched(ctx, audience, data)
    if changed != audience:
        _save(ctx, audience, replace(changed, updated_at=ctx.now()))
        audience = audience_of(ctx, caller, audience_id)
    return AudienceEnvelope(_out(ctx.store, audience), meta(ctx, request.scope))


@delete(
    "/audiences/{audience_id:str}",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(404),
    summary="Delete an audience; queued runs are cancelled, runs and snapshots stop being served",
)
def delete_audience(
    request: AnyRequest, ctx: Ctx, caller: Who, audience_id: PathId
) -> DeletedEnvelope:
    audience = audience_of(ctx, caller, audience_id)
    if not ctx.store.delete_audience(caller.org_id, audience.id, ctx.now()):
        raise NotFound("audience not found")
    return DeletedEnvelope(Deleted(id=audience.id, deleted=True), meta(ctx, request.scope))


HANDLERS = [create_audience, list_audiences, get_audience, patch_audience, delete_audience]


def _patched(ctx: ApiContext, audience: Audience, data: AudiencePatch) -> Audience:
    changed = audience
    if isinstance(data.name, str):
        changed = replace(changed, name=data.name)
    if isinstance(data.status, str):
        changed = replace(changed, status=data.status)
    if isinstance(data.config, dict):
        parsed = parse_request_config(ctx, data.config)
        changed = replace(
            changed, config_json=parsed.canonical_json, config_hash=parsed.config_hash
        )
    return changed


def _save(ctx: ApiContext, before: Audience, after: Audience) -> None:
    """One guarded write; taking a slot is checked by the store in the same write."""
    takes_slot = after.status == ACTIVE and before.status != ACTIVE
    slots = _slots(ctx, after) if takes_slot else None
    if ctx.store.update_audience(after, max_active=slots):
        return
    raise SlotsFull(_slots_message(slots)) if takes_slot else NotFound("audience not found")


def _activate_new(ctx: ApiContext, draft: Audience) -> Audience:
    """A new audience is created as a draft, then activated in the guarded write; without a free
    slot the draft is removed again, so a refused create leaves nothing behind."""
    active = replace(draft, status=ACTIVE)
    slots = _slots(ctx, draft)
    if ctx.store.update_audience(active, max_active=slots):
        return active
    ctx.store.delete_audience(draft.organization_id, draft.id, ctx.now())
    raise SlotsFull(_slots_message(slots))


def _slots(ctx: ApiContext, audience: Audience) -> int:
    org = ctx.store.get_organization(audience.organization_id)
    return org.audience_slots if org is not None else ctx.settings.audience_slots


def _slots_message(slots: int | None) -> str:
    return f"all {slots} audience slots of the organization are taken by active audiences"


def _out(store: MetadataStore, audience: Audience) -> AudienceOut:
    return audience_out(audience, store.latest_completed_run(audience.id))
