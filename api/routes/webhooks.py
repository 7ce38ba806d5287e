"""Webhook endpoints of an organization: create (the secret is shown once), list, delete, and
the delivery log of one endpoint."""

from typing import Annotated

from litestar import delete, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from api.context import AnyRequest
from api.envelope import meta
from api.errors import NotFound
from api.lookup import parse_id
from api.openapi import keyed
from api.params import MAX_OFFSET, Ctx, PathId, Who
from api.wire.common import Deleted, DeletedEnvelope
from api.wire.webhooks import (
    DeliveryListEnvelope,
    WebhookCreate,
    WebhookEnvelope,
    WebhookListEnvelope,
    delivery_out,
    webhook_out,
)
from data.metadata.models import WebhookEndpoint, WebhookId
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint


@post(
    "/webhooks",
    sync_to_thread=True,
    status_code=HTTP_201_CREATED,
    responses=keyed(413),
    summary="Create a webhook endpoint; its signing secret is shown only in this answer",
    description=(
        "Events: run.completed, run.failed, export.completed. Deliveries carry the Standard "
        "Webhooks headers webhook-id, webhook-timestamp and webhook-signature. URLs that resolve "
        "to private, loopback or link-local addresses are refused unless the server allows them."
    ),
)
def create_webhook(
    request: AnyRequest, ctx: Ctx, caller: Who, data: JSONBody[WebhookCreate]
) -> WebhookEnvelope:
    guard = UrlGuard(allow_private=ctx.settings.webhooks_allow_private)
    endpoint = create_endpoint(
        ctx.store, caller.org_id, data.url, list(data.events), ctx.now(), guard
    )
    return WebhookEnvelope(webhook_out(endpoint, with_secret=True), meta(ctx, request.scope))


@get(
    "/webhooks",
    sync_to_thread=True,
    responses=keyed(),
    summary="List the organization's webhook endpoints",
)
def list_webhooks(request: AnyRequest, ctx: Ctx, caller: Who) -> WebhookListEnvelope:
    endpoints = ctx.store.list_webhooks(caller.org_id)
    return WebhookListEnvelope([webhook_out(e) for e in endpoints], meta(ctx, request.scope))


@delete(
    "/webhooks/{webhook_id:str}",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(404),
    summary="Delete a webhook endpoint; its pending deliveries are not sent",
)
def delete_webhook(
    request: AnyRequest, ctx: Ctx, caller: Who, webhook_id: PathId
) -> DeletedEnvelope:
    endpoint = _webhook_of(ctx, caller, webhook_id)
    if not ctx.store.delete_webhook(caller.org_id, endpoint.id, ctx.now()):
        raise NotFound("webhook not found")
    return DeletedEnvelope(Deleted(id=endpoint.id, deleted=True), meta(ctx, request.scope))


@get(
    "/webhooks/{webhook_id:str}/deliveries",
    sync_to_thread=True,
    responses=keyed(404),
    summary="The endpoint's deliveries, newest first: attempts, status codes, next retry",
)
def list_deliveries(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    webhook_id: PathId,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
) -> DeliveryListEnvelope:
    endpoint = _webhook_of(ctx, caller, webhook_id)
    deliveries = ctx.store.list_deliveries(endpoint.id, limit, offset)
    page = meta(ctx, request.scope, limit=limit, offset=offset)
    return DeliveryListEnvelope([delivery_out(d) for d in deliveries], page)


def _webhook_of(ctx: Ctx, caller: Who, webhook_id: str) -> WebhookEndpoint:
    found = ctx.store.get_webhook(caller.org_id, WebhookId(parse_id(webhook_id, "webhook")))
    if found is None:
        raise NotFound("webhook not found")
    return found


HANDLERS = [create_webhook, list_webhooks, delete_webhook, list_deliveries]
