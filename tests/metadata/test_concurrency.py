"""Races on the real databases: guarded writes let exactly the right number of writers win."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TypeVar

from data.metadata.models import Organization
from data.metadata.sql import SqlMetadataStore
from tests.metadata import factories
from tests.metadata.factories import NOW, at

T = TypeVar("T")


def race(workers: int, attempt: Callable[[int], T]) -> list[T]:
    """Run `attempt(i)` on `workers` threads released together by a barrier."""
    barrier = threading.Barrier(workers, timeout=30)

    def start(index: int) -> T:
        barrier.wait()
        return attempt(index)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(start, range(workers)))


def _org(store: SqlMetadataStore) -> Organization:
    return store.create_organization("acme", 3, NOW)


def test_eight_workers_claiming_one_run_produce_exactly_one_claim(
    sql_store: SqlMetadataStore,
) -> None:
    audience = factories.audience(_org(sql_store).id)
    sql_store.create_audience(audience)
    run = factories.run(audience)
    sql_store.insert_run(run)
    claims = race(8, lambda i: sql_store.claim_run(run.id, at(i), at(30)))
    won = [claim for claim in claims if claim is not None]
    assert len(won) == 1
    assert won[0].attempts == 1


def test_eight_activations_racing_for_three_slots_leave_exactly_three_active(
    sql_store: SqlMetadataStore,
) -> None:
    org = _org(sql_store)
    drafts = [factories.audience(org.id) for _ in range(8)]
    for draft in drafts:
        sql_store.create_audience(draft)
    results = race(
        8, lambda i: sql_store.update_audience(replace(drafts[i], status="active"), max_active=3)
    )
    assert results.count(True) == 3
    assert sql_store.list_audiences(org.id, "active", 50, 0)[1] == 3


def test_twenty_requests_reserving_one_idempotency_key_make_one_new(
    sql_store: SqlMetadataStore,
) -> None:
    org = _org(sql_store)
    outcomes = race(
        20, lambda i: sql_store.reserve_idempotency_key(org.id, "key", "f" * 64, at(i))[0]
    )
    assert outcomes.count("new") == 1
    assert outcomes.count("in_flight") == 19


def test_twenty_requests_taking_over_an_abandoned_idempotency_key_make_one_new(
    sql_store: SqlMetadataStore,
) -> None:
    org = _org(sql_store)
    sql_store.reserve_idempotency_key(org.id, "key", "f" * 64, NOW)
    outcomes = race(
        20,
        lambda i: sql_store.reserve_idempotency_key(
            org.id, "key", "f" * 64, at(300 + i), abandoned_before=at(200)
        )[0],
    )
    assert outcomes.count("new") == 1
    assert outcomes.count("in_flight") == 19


def test_eight_senders_claiming_batches_of_webhook_deliveries_never_share_one(
    sql_store: SqlMetadataStore,
) -> None:
    endpoint = factories.webhook(_org(sql_store).id)
    sql_store.create_webhook(endpoint)
    deliveries = [factories.delivery(endpoint, created_at=at(0)) for _ in range(60)]
    sql_store.create_deliveries(deliveries)
    batches = race(8, lambda i: sql_store.claim_deliveries(at(1), at(31), 10))
    claimed = [d.id for batch in batches for d in batch]
    assert all(len(batch) <= 10 for batch in batches)
    assert len(claimed) == len(set(claimed))
    assert set(claimed) <= {d.id for d in deliveries}
    assert all(d.attempts == 1 for batch in batches for d in batch)
    left = sql_store.claim_deliveries(at(1), at(31), 100)
    assert len(claimed) + len(left) == 60
