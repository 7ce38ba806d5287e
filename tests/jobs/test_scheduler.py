"""schedule_once: one daily run per active audience and complete date in the catch-up window."""

import threading

import pytest

from engine.states import RunType
from jobs.scheduler import dates_in_window, schedule_once
from tests.jobs.factories import DATES, START


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store, settings={"daily_catchup_days": 3})


def daily_runs(deps, audience):
    return sorted(
        run.data_date for run in deps.store.list_runs(audience.id, None, 100)
         if run.run_type == RunType.DAILY
    )  # fmt: skip


def test_after_three_missed_days_one_tick_creates_the_missing_runs(deps, make_audience) -> None:
    audience = make_audience()
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, audience) == list(DATES)


def test_second_tick_creates_nothing(deps, make_audience) -> None:
    make_audience()
    schedule_once(deps, deps.clock())
    assert schedule_once(deps, deps.clock()) == []


def test_every_active_audience_gets_its_runs(deps, make_audience) -> None:
    audiences = [make_audience(), make_audience()]
    created = schedule_once(deps, deps.clock())
    assert sorted((r.audience_id, r.data_date) for r in created) == sorted(
        (a.id, d) for a in audiences for d in DATES
    )


def test_draft_and_paused_audiences_get_no_daily_runs(deps, make_audience) -> None:
    make_audience(status="draft")
    make_audience(status="paused")
    assert schedule_once(deps, deps.clock()) == []


def test_audience_with_a_broken_config_does_not_stop_the_others(deps, make_audience) -> None:
    make_audience(config={"topicIds": [999]})
    healthy = make_audience()
    schedule_once(deps, deps.clock())
    assert daily_runs(deps, healthy) == list(DATES)


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
    assert [daily_runs(deps, a) for a in audiences] == [list(DATES)] * 3


def test_window_holds_the_catchup_days_before_today_and_today() -> None:
    dates = ["2024-05-30", "2024-05-31", "2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04"]
    assert dates_in_window(dates, START, 3) == [
        "2024-05-31",
        "2024-06-01",
        "2024-06-02",
        "2024-06-03",
    ]


def test_deleted_audience_gets_no_daily_run(deps, make_audience) -> None:
    audience = make_audience()
    deps.store.delete_audience(audience.organization_id, audience.id, deps.clock())
    assert schedule_once(deps, deps.clock()) == []
