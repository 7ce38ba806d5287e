"""On PostgreSQL a written webhook event wakes the senders listening in other processes."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.metadata.connect import open_store
from data.metadata.notify import listen
from data.metadata.sql import SqlMetadataStore
from tests.metadata import factories
from tests.metadata.factories import NOW, at

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[SqlMetadataStore]:
    store = open_store(postgres_url)
    yield store
    store.engine.dispose()


class Heard:
    """What a listener thread heard, until the test ends."""

    def __init__(self, url: str) -> None:
        self.event = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=listen, args=(url, self.event.set, self.stop))

    def __enter__(self) -> "Heard":
        self.thread.start()
        assert self.event.wait(30), "the listener connects and calls back once"
        self.event.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


def _ended_run(store: SqlMetadataStore, events: str) -> None:
    org = store.create_organization(f"org-{events}", 10, NOW)
    audience = factories.audience(org.id)
    store.create_audience(audience)
    store.create_webhook(factories.webhook(org.id, events=events))
    run = factories.run(audience)
    assert store.insert_run(run)
    assert store.claim_run(run.id, NOW, at(30)) is not None
    done = {"candidate_count": 1, "result_count": 1, "snapshot_path": "s", "now": at(5)}
    assert store.complete_run(run.id, 1, **done)


def test_a_listener_hears_an_event_written_by_another_connection(
    pg_store: SqlMetadataStore, postgres_url: str
) -> None:
    with Heard(postgres_url) as heard:
        _ended_run(pg_store, "run.completed")
        assert heard.event.wait(10)


def test_a_run_no_endpoint_takes_notifies_nobody(
    pg_store: SqlMetadataStore, postgres_url: str
) -> None:
    with Heard(postgres_url) as heard:
        _ended_run(pg_store, "run.failed")
        assert not heard.event.wait(1.0)
    assert pg_store.pending_webhook_events() == []


def test_listening_on_sqlite_returns_at_once(tmp_path: Path) -> None:
    thread = threading.Thread(
        target=listen, args=(f"sqlite:///{tmp_path / 'x.db'}", lambda: None, threading.Event())
    )
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
