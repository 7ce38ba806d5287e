"""The sender's work per tick does not grow with the history of ended runs and deliveries."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from data.metadata.models import OrgId, Run
from data.metadata.sql import SqlMetadataStore
from engine.states import DeliveryStatus, RunType
from jobs.submit import submit_run
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint, webhook_tick
from tests.jobs.statement_work import counted_store, vacuumed, work_of

OPEN = UrlGuard(allow_private=True)
POST = lambda endpoint, delivery, timeout: 204  # noqa: E731  # every receiver answers at once


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlMetadataStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'intent.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = counted_store(url)
    yield store
    store.engine.dispose()


def _ended(deps, audience, count: int) -> list[Run]:
    """`count` runs completed through the store's own guarded writes, as a worker would."""
    ended = []
    for _ in range(count):
        run = submit_run(deps, audience=audience, run_type=RunType.MANUAL, data_date=None,
                         now=deps.clock())  # fmt: skip
        now = deps.clock.advance(1)
        assert deps.store.claim_run(run.id, now, deps.clock.advance(30))
        assert deps.store.complete_run(run.id, 1, candidate_count=1, result_count=1,
                                       snapshot_path=f"s/{run.id}", now=now)  # fmt: skip
        ended.append(run)
    return ended


def _work_of_one_more_event(deps, audience) -> int:
    """The work of the tick that records and sends the event of one run that just ended."""
    [run] = _ended(deps, audience, 1)
    vacuumed(deps.store)
    with work_of(deps.store) as work:
        assert webhook_tick(deps, POST) == 1
    [delivery] = deps.store.list_deliveries(_hook(deps, audience).id, 1)
    assert (delivery.subject_id, delivery.status) == (run.id, DeliveryStatus.SUCCEEDED)
    return work()


def _hook(deps, audience):
    [endpoint] = deps.store.list_webhooks(OrgId(audience.organization_id))
    return endpoint


def test_a_tick_does_as_much_work_after_a_long_history_as_after_a_short_one(
    make_deps, make_audience_on, sql_store
) -> None:
    deps = make_deps(sql_store)
    audience = make_audience_on(sql_store)()
    org = OrgId(audience.organization_id)
    create_endpoint(deps.store, org, "http://127.0.0.1:9/h", ["run.completed"], deps.clock(), OPEN)
    _ended(deps, audience, 10)
    webhook_tick(deps, POST)
    short = _work_of_one_more_event(deps, audience)
    _ended(deps, audience, 300)
    webhook_tick(deps, POST)
    long = _work_of_one_more_event(deps, audience)
    assert len(deps.store.list_deliveries(_hook(deps, audience).id, 1000)) == 312
    assert long <= short * 1.1, (short, long)
