"""What every request handler reads: job dependencies, clock, rate limiter and in-memory caches.

Built once by `create_app` and handed to handlers as the `ctx` dependency.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from litestar import Litestar, Request

from api.auth import KeyCache
from api.diffs import SnapshotDiffs
from api.ratelimit import RateLimiter
from api.result_pages import ResultPages
from data.catalog import DatasetCatalog
from data.metadata.store import MetadataStore
from data.snapshots import SnapshotStore
from jobs.deps import Clock, JobDeps
from jobs.settings import Settings

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True)
class ApiContext:
    deps: JobDeps
    settings: Settings
    clock: Clock
    limiter: RateLimiter
    signing_key: str  # signs download links; resolved once, when the app is created
    keys: KeyCache
    pages: ResultPages
    diffs: SnapshotDiffs
    refusals: RateLimiter  # requests with a refused key, per client address

    @property
    def store(self) -> MetadataStore:
        return self.deps.store

    @property
    def catalog(self) -> DatasetCatalog:
        return self.deps.catalog

    @property
    def snapshots(self) -> SnapshotStore:
        return self.deps.snapshots

    def now(self) -> datetime:
        return self.clock()


CONTEXT_KEY: Final = "api_context"  # where create_app keeps the ApiContext in app state


def context_of(app: Litestar) -> ApiContext:
    context: ApiContext = app.state[CONTEXT_KEY]
    return context
