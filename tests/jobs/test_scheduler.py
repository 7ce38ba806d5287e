"""schedule_once: every active audience follows the newest complete data date."""

import datetime as dt
import threading

import pytest

from data import writer
from data.catalog import DatasetCatalog
from engine.states import RunType
from jobs.scheduler import dates_to_run, schedule_once
from jobs.submit import submit_run
from tests.jobs.factories import DATES, intent_table, write_dataset

NEWEST = DATES[-1]


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store, settings={"daily_catchup_days": 3})


def daily_runs(deps, audience):
    return sorted(
        run.data_date for run in deps.store.list_runs(audience.id, None, 100)
         if run.run_type == RunType.DAILY
    )  # fmt: skip


def _daily(deps, audience, day):
    return submit_run(deps, audience=audience, run_type=RunType.DAILY, data_date=day,
                      now=deps.clock())  # fmt: skip


def test_new_audience_gets_a_daily_run_for_the_newest_date_only(deps, make_audience) -> None:
    audience = make_audience()
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, audience) == [NEWEST]


def test_missed_dates_after_the_last_daily_run_are_caught_up(deps, make_audience) -> None:
    audience = make_audience()
    _daily(deps, audience, DATES[0])
    created = schedule_once(deps, deps.clock())
    assert sorted(run.data_date for run in created) == list(DATES[1:])
    assert daily_runs(deps, audience) == list(DATES)


def test_catch_up_takes_at_most_the_configured_number_of_newest_dates(
    make_deps, store, make_audience
) -> None:
    deps = make_deps(store, settings={"daily_catchup_days": 1})
    audience = make_audience()
    _daily(deps, audience, DATES[0])
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, audience) == [DATES[0], NEWEST]


def test_second_tick_creates_nothing(deps, make_audience) -> None:
    make_audience()
    schedule_once(deps, deps.clock())
    assert schedule_once(deps, deps.clock()) == []


def test_every_active_audience_gets_its_run(deps, make_audience) -> None:
    audiences = [make_audience(), make_audience()]
    created = schedule_once(deps, deps.clock())
    assert sorted((r.audience_id, r.data_date) for r in created) == sorted(
        (a.id, NEWEST) for a in audiences
    )


def test_draft_and_paused_audiences_get_no_daily_runs(deps, make_audience) -> None:
    make_audience(status="draft")
    make_audience(status="paused")
    assert schedule_once(deps, deps.clock()) == []


def test_audience_with_a_broken_config_does_not_stop_the_others(deps, make_audience) -> None:
    make_audience(config={"topicIds": [999]})
    healthy = make_audience()
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, healthy) == [NEWEST]


def test_two_schedulers_ticking_together_create_one_run_per_audience_and_date(
    deps, make_audience
) -> None:
    audiences = [make_audience() for _ in range(3)]
    start = threading.Barrier(2)

    def tick():
        start.wait()
        schedule_once(deps, deps.clock())

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [daily_runs(deps, a) for a in audiences] == [[NEWEST]] * 3


def test_deleted_audience_gets_no_daily_run(deps, make_audience) -> None:
    audience = make_audience()
    deps.store.delete_audience(audience.organization_id, audience.id, deps.clock())
    assert schedule_once(deps, deps.clock()) == []


def test_dataset_whose_newest_date_is_months_old_still_gets_its_daily_run(
    make_deps, store, make_audience, tmp_path
) -> None:
    old = ("2024-01-14", "2024-01-15")
    deps = make_deps(store, catalog=DatasetCatalog(write_dataset(tmp_path / "old", dates=old)))
    deps.clock.now = dt.datetime(2024, 6, 3, 6, 0, tzinfo=dt.UTC)
    audience = make_audience()
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, audience) == ["2024-01-15"]


def test_a_date_completed_later_gets_its_daily_run_on_the_next_tick(
    make_deps, store, make_audience, tmp_path
) -> None:
    dataset = write_dataset(tmp_path / "growing")
    deps = make_deps(store, catalog=DatasetCatalog(dataset))
    audience = make_audience()
    schedule_once(deps, deps.clock())
    later = "2024-06-04"
    writer.write_intent_date(dataset, later, intent_table(60, later), "v1")
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, audience) == [NEWEST, later]


@pytest.mark.parametrize(
    ("last", "catchup", "expected"),
    [
        (None, 3, ["d5"]),
        ("d5", 3, []),
        ("d2", 3, ["d3", "d4", "d5"]),
        ("d1", 3, ["d3", "d4", "d5"]),
        ("d1", 0, ["d5"]),
        ("d9", 3, []),
    ],
)
def test_dates_to_run(last, catchup, expected) -> None:
    assert dates_to_run(["d1", "d2", "d3", "d4", "d5"], last, catchup) == expected
