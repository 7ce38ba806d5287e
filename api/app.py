"""The API's composition root: `create_app` wires routes, auth, errors, headers and OpenAPI.

Nothing else in `api` picks an implementation; stores, catalog and enqueue arrive in `JobDeps`.
"""

import time
from typing import Final

from limits.aio.storage import Storage
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide

from api import metrics
from api.auth import KeyCache, Ticker, caller_of, key_guard
from api.context import CONTEXT_KEY, ApiContext
from api.diffs import SnapshotDiffs
from api.envelope import add_response_headers, handle_error
from api.methods import set_allow
from api.metrics import HttpMetrics, RequestHooks, Scrape
from api.openapi import API_KEY, openapi_config, refine
from api.params import ApiRequest
from api.ratelimit import RateLimiter, shared_storage
from api.result_pages import DEFAULT_BUDGET_BYTES, ResultPages
from api.routes import (
    audiences,
    backfills,
    builder,
    diffs,
    downloads,
    exports,
    ops,
    results,
    runs,
    topics,
    webhooks,
)
from api.routes.ops import ReadyCheck, default_checks
from data.topic_index import LiveTopicIndex
from jobs.deps import Clock, JobDeps
from jobs.settings import Settings
from jobs.urlguard import UrlGuard

BASE_PATH: Final = "/v1/intent"
MAX_BODY_BYTES: Final = 64 * 1024


def create_app(
    settings: Settings,
    deps: JobDeps,
    *,
    clock: Clock | None = None,
    broker_check: ReadyCheck | None = None,
    ticker: Ticker = time.monotonic,
    page_cache_bytes: int = DEFAULT_BUDGET_BYTES,
) -> Litestar:
    """`broker_check` raises when the broker is unreachable (none for an in-process broker);
    `ticker` times the key cache; `page_cache_bytes` bounds the result rows kept."""
    storage = shared_storage(settings)
    ctx = ApiContext(
        deps,
        settings,
        clock or deps.clock,
        RateLimiter(settings.rate_limit_per_minute, storage, f"{settings.queue_name}:keys"),
        settings.signing_key(),
        KeyCache(deps.store, ticker=ticker),
        ResultPages(deps.snapshots, page_cache_bytes),
        SnapshotDiffs(deps.snapshots),
        RateLimiter(
            settings.refused_keys_per_minute, storage, f"{settings.queue_name}:refused-keys"
        ),
    )
    checks = default_checks(ctx, broker_check)
    http = HttpMetrics()
    scrape = Scrape(deps, settings, http)
    timing = RequestHooks(http)
    app = Litestar(
        route_handlers=[
            _keyed_routes(ctx),
            topics.router(BASE_PATH, _topic_deps(settings, deps, storage)),
            *downloads.HANDLERS,
            *ops.HANDLERS,
            *metrics.HANDLERS,
        ],
        dependencies={
            "ctx": Provide(lambda: ctx, use_cache=True, sync_to_thread=False),
            "ready_checks": Provide(lambda: checks, use_cache=True, sync_to_thread=False),
            "scrape": Provide(lambda: scrape, use_cache=True, sync_to_thread=False),
        },
        before_request=timing.before_request,
        logging_config=None,  # the composition root configures logging (INTENT_LOG_FORMAT)
        exception_handlers={Exception: handle_error},
        before_send=[add_response_headers, set_allow, timing.before_send],
        request_max_body_size=MAX_BODY_BYTES,
        request_class=ApiRequest,
        openapi_config=openapi_config(settings.public_url),
        state=State({CONTEXT_KEY: ctx}),
    )
    refine(app)
    return app


def _keyed_routes(ctx: ApiContext) -> Router:
    """Everything under the base path needs an API key: checked by a guard, before any body is
    read; handlers see it as the `caller` dependency."""
    handlers = [
        *builder.HANDLERS,
        *audiences.HANDLERS,
        *runs.HANDLERS,
        *backfills.HANDLERS,
        *webhooks.HANDLERS,
        *results.HANDLERS,
        *diffs.HANDLERS,
        *exports.HANDLERS,
    ]
    return Router(
        BASE_PATH,
        route_handlers=handlers,
        guards=[key_guard(ctx.keys, ctx.limiter, ctx.refusals)],
        dependencies={"caller": Provide(caller_of, sync_to_thread=False)},
        security=API_KEY,
    )


def _topic_deps(settings: Settings, deps: JobDeps, storage: Storage) -> topics.TopicDeps:
    """Topic discovery is limited per client address, on the same shared storage as keys."""
    return topics.TopicDeps(
        LiveTopicIndex(deps.catalog, background=True),
        RateLimiter(
            settings.topics_rate_limit_per_minute, storage, f"{settings.queue_name}:addresses"
        ),
        UrlGuard(allow_private=settings.analyze_allow_private),
        settings.movers_min_audience,
    )
