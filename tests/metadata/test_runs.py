"""Contract: inserting and reading runs, and the daily uniqueness guard."""

from collections.abc import Callable

from data.metadata.models import Audience, Organization, Run, RunId
from data.metadata.store import MetadataStore
from engine.states import RunStatus, RunType
from tests.metadata import factories
from tests.metadata.factories import at


def test_inserted_run_reads_back_equal(store: MetadataStore, make_run: Callable[..., Run]) -> None:
    run = make_run()
    assert store.get_run(run.id) == run


def test_unknown_run_is_none(store: MetadataStore) -> None:
    assert store.get_run(RunId(factories.new_id())) is None


def test_run_read_through_another_organization_is_none(
    store: MetadataStore, make_run: Callable[..., Run], make_org: Callable[..., Organization]
) -> None:
    run = make_run()
    assert store.get_run(run.id, make_org().id) is None
    assert store.get_run(run.id, run.organization_id) == run


def test_second_daily_run_for_one_audience_and_date_is_refused(
    store: MetadataStore, audience: Audience
) -> None:
    assert store.insert_run(factories.run(audience, run_type=RunType.DAILY))
    assert not store.insert_run(factories.run(audience, run_type=RunType.DAILY))


def test_daily_runs_of_other_dates_and_audiences_are_accepted(
    store: MetadataStore, audience: Audience, make_audience: Callable[..., Audience]
) -> None:
    assert store.insert_run(factories.run(audience, run_type=RunType.DAILY))
    assert store.insert_run(factories.run(audience, run_type=RunType.DAILY, data_date="2026-03-02"))
    assert store.insert_run(factories.run(make_audience(), run_type=RunType.DAILY))


def test_manual_runs_for_one_audience_and_date_are_all_accepted(
    store: MetadataStore, audience: Audience
) -> None:
    assert store.insert_run(factories.run(audience, run_type=RunType.DAILY))
    assert store.insert_run(factories.run(audience))
    assert store.insert_run(factories.run(audience))


def test_run_with_an_existing_id_is_refused(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    assert not store.insert_run(run)


def test_runs_are_listed_newest_first(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    old, new, middle = (make_run(created_at=at(s)) for s in (1, 3, 2))
    assert store.list_runs(audience.id, None, 10) == [new, middle, old]


def test_run_listing_pages_with_limit_and_offset(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    made = [make_run(created_at=at(s)) for s in range(5)]
    assert store.list_runs(audience.id, None, 2, 1) == [made[3], made[2]]


def test_run_listing_filters_by_status_and_audience(
    store: MetadataStore,
    audience: Audience,
    run_in: Callable[..., Run],
    make_run: Callable[..., Run],
    make_audience: Callable[..., Audience],
) -> None:
    cancelled = run_in(RunStatus.CANCELLED)
    make_run()
    make_run(make_audience())
    assert store.list_runs(audience.id, RunStatus.CANCELLED, 10) == [cancelled]


def test_latest_completed_run_is_the_one_completed_last(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    first, second = make_run(created_at=at(2)), make_run(created_at=at(1))
    make_run(created_at=at(3))  # newest, but still queued
    for seconds, run in ((10, first), (20, second)):
        store.claim_run(run.id, at(seconds), at(seconds + 30))
        store.complete_run(
            run.id, 1, candidate_count=1, result_count=1, snapshot_path="s", now=at(seconds + 1)
        )
    latest = store.latest_completed_run(audience.id)
    assert latest is not None
    assert latest.id == second.id


def test_latest_completed_run_of_an_audience_without_one_is_none(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    make_run()
    assert store.latest_completed_run(audience.id) is None


def test_previous_completed_run_is_of_the_newest_earlier_date(
    store: MetadataStore,
    audience: Audience,
    run_in: Callable[..., Run],
    make_audience: Callable[..., Audience],
) -> None:
    run_in(RunStatus.COMPLETED, data_date="2026-02-26")
    wanted = run_in(RunStatus.COMPLETED, data_date="2026-02-27")
    run_in(RunStatus.FAILED, data_date="2026-02-28")
    run_in(RunStatus.COMPLETED, data_date="2026-03-01")  # the same date is not earlier
    run_in(RunStatus.COMPLETED, parent=make_audience(), data_date="2026-02-28")
    found = store.previous_completed_run(audience.id, "2026-03-01")
    assert found is not None
    assert found.id == wanted.id


def test_previous_completed_run_without_an_earlier_date_is_none(
    store: MetadataStore, audience: Audience, run_in: Callable[..., Run]
) -> None:
    run_in(RunStatus.COMPLETED, data_date="2026-03-01")
    assert store.previous_completed_run(audience.id, "2026-03-01") is None


def test_run_exists_matches_audience_date_and_type(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    make_run(run_type=RunType.DAILY, data_date="2026-03-01")
    assert store.run_exists(audience.id, "2026-03-01", RunType.DAILY)
    assert not store.run_exists(audience.id, "2026-03-01", RunType.MANUAL)
    assert not store.run_exists(audience.id, "2026-03-02", RunType.DAILY)


def test_latest_run_date_is_the_newest_date_of_that_type_whatever_its_status(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    assert store.latest_run_date(audience.id, RunType.DAILY) is None
    make_run(run_type=RunType.DAILY, data_date="2026-03-01")
    cancelled = make_run(run_type=RunType.DAILY, data_date="2026-03-04")
    store.cancel_run(cancelled.id, cancelled.created_at)
    make_run(run_type=RunType.MANUAL, data_date="2026-03-09")
    assert store.latest_run_date(audience.id, RunType.DAILY) == "2026-03-04"


def test_runs_can_be_listed_by_run_type_and_data_date(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    backfill = make_run(run_type=RunType.BACKFILL, data_date="2026-03-02")
    make_run(run_type=RunType.BACKFILL, data_date="2026-03-03")
    make_run(data_date="2026-03-02")
    assert store.list_runs(
        audience.id, None, 10, run_type=RunType.BACKFILL, data_date="2026-03-02"
    ) == [backfill]
    assert len(store.list_runs(audience.id, None, 10, data_date="2026-03-02")) == 2
    assert store.list_runs(audience.id, RunStatus.COMPLETED, 10, run_type=RunType.BACKFILL) == []


def test_completed_run_dates_are_those_of_completed_runs_with_that_config_hash(
    store: MetadataStore, audience: Audience, make_run: Callable[..., Run]
) -> None:
    make_run(status=RunStatus.COMPLETED, data_date="2026-03-01")
    make_run(status=RunStatus.COMPLETED, data_date="2026-03-02", config_hash="0" * 64)
    make_run(status=RunStatus.FAILED, data_date="2026-03-03")
    make_run(data_date="2026-03-04")
    assert store.completed_run_dates(audience.id, audience.config_hash) == {"2026-03-01"}
