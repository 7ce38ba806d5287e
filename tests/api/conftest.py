"""Fixtures of the API tests: one generated dataset per session and `make_api`, a factory of
test clients on `create_app` over the memory store or a SQLite file."""

import itertools
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.auth import Ticker
from data.catalog import DatasetCatalog
from data.generator import generate
from data.metadata.connect import open_store
from data.metadata.memory import MemoryMetadataStore
from data.metadata.store import MetadataStore
from data.snapshots import open_snapshot_store
from data.store_catalog import open_catalog
from jobs.deps import JobDeps
from jobs.produce import produce_snapshot
from jobs.work import InlineRunner
from tests import services
from tests.api.factories import Api, ApiMaker, RecordingEnqueue, SetClock, Tenant, make_settings

DATA_END = date(2026, 11, 27)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dataset")
    generate(root, scale=0.001, days=2, end_date=DATA_END, seed=1, topics=300)
    return root


@pytest.fixture(scope="session")
def popular_topics(dataset: Path) -> list[int]:
    """The topics with the most intent rows on the latest date, so runs have results."""
    catalog = DatasetCatalog(dataset)
    files = catalog.resolve(str(catalog.latest_complete_date())).intent_files
    query = "SELECT topic_id FROM read_parquet(?) GROUP BY 1 ORDER BY count(*) DESC LIMIT 5"
    rows = duckdb.execute(query, [list(files)]).fetchall()
    return [int(topic_id) for (topic_id,) in rows]


@pytest.fixture
def make_api(tmp_path: Path, dataset: Path, popular_topics: list[int]) -> Iterator[ApiMaker]:
    """`make_api(store="memory"|"sqlite", dataset=None, ticker=None, export_queue=None,
    **settings)`: a started test client and its parts; `dataset` replaces the session's generated
    one, `ticker` the clock of the key and run caches; export builds are appended to
    `export_queue` when given (else built in the request)."""
    homes = (tmp_path / f"home-{n}" for n in itertools.count())
    with ExitStack() as stack:

        def make(
            store: str = "memory",
            dataset: Path | str = dataset,
            ticker: Ticker = time.monotonic,
            export_queue: list[str] | None = None,
            **settings: Any,
        ) -> Api:
            home = next(homes)
            config = make_settings(home, dataset, **settings)
            clock, enqueue = SetClock(), RecordingEnqueue()
            deps = JobDeps(
                store=_store(store, config.database_url),
                catalog=open_catalog(dataset, settings.get("s3", services.S3)),
                snapshots=open_snapshot_store(config.snapshots, config.s3),
                enqueue=enqueue,
                clock=clock,
                settings=config,
                runner=InlineRunner(produce_snapshot),
                enqueue_export=None if export_queue is None else export_queue.append,
            )
            client = stack.enter_context(TestClient(create_app(config, deps, ticker=ticker)))
            return Api(client, deps.store, deps, clock, enqueue, popular_topics)

        yield make


@pytest.fixture
def api(make_api: ApiMaker) -> Api:
    return make_api()


@pytest.fixture
def tenant(api: Api) -> Tenant:
    return api.tenant()


def _store(kind: str, url: str) -> MetadataStore:
    if kind == "sqlite":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return open_store(url)
    return MemoryMetadataStore()
