"""What every request handler reads: the job dependencies, the clock and the rate limiter.

Built once by `create_app` and handed to handlers as the `ctx` dependency.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request

from api.ratelimit import RateLimiter
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
