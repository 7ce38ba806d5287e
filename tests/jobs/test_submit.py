"""submit_run: the one way a run is created."""

import json

import pytest

from engine.states import RunStatus, RunType
from jobs.errors import DataNotAvailable, DuplicateRun, InvalidConfig
from jobs.submit import submit_run
from tests.jobs.factories import DATES


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store)


def submit(deps, audience, data_date=None, run_type=RunType.MANUAL):
    return submit_run(
        deps, audience=audience, run_type=run_type, data_date=data_date, now=deps.clock()
    )


def test_submitted_run_is_stored_queued(deps, make_audience) -> None:
    run = submit(deps, make_audience())
    stored = deps.store.get_run(run.id)
    assert stored is not None
    assert (stored.status, stored.attempts, stored.run_type) == (
        RunStatus.QUEUED,
        0,
        RunType.MANUAL,
    )


def test_run_defaults_to_the_latest_complete_date(deps, make_audience) -> None:
    assert submit(deps, make_audience()).data_date == DATES[-1]


def test_run_takes_the_requested_date(deps, make_audience) -> None:
    assert submit(deps, make_audience(), data_date=DATES[0]).data_date == DATES[0]


def test_run_keeps_the_normalized_config_and_its_hash(deps, make_audience) -> None:
    audience = make_audience(config={"topicIds": [3, 1, 1], "minScore": 20})
    run = submit(deps, audience)
    stored = json.loads(run.config_json)
    assert (stored["topicIds"], stored["minScore"]) == ([1, 3], 50)
    assert len(run.config_hash) == 64


def test_run_id_is_sent_to_the_broker_and_marked(deps, make_audience, enqueue) -> None:
    run = submit(deps, make_audience())
    assert enqueue.sent == [run.id]
    assert deps.store.get_run(run.id).last_enqueued_at == deps.clock()


def test_broker_down_leaves_the_run_queued_and_unmarked(deps, make_audience, enqueue) -> None:
    enqueue.down = True
    run = submit(deps, make_audience())
    stored = deps.store.get_run(run.id)
    assert (stored.status, stored.last_enqueued_at) == (RunStatus.QUEUED, None)


def test_date_without_data_is_refused(deps, make_audience) -> None:
    with pytest.raises(DataNotAvailable, match="2030-01-01"):
        submit(deps, make_audience(), data_date="2030-01-01")


def test_malformed_date_is_refused_as_not_available(deps, make_audience) -> None:
    with pytest.raises(DataNotAvailable, match="YYYY-MM-DD"):
        submit(deps, make_audience(), data_date="../../etc")


def test_dataset_without_dates_refuses_runs(make_deps, store, make_audience, tmp_path) -> None:
    from data.catalog import DatasetCatalog

    deps = make_deps(store, catalog=DatasetCatalog(tmp_path / "empty"))
    with pytest.raises(DataNotAvailable):
        submit(deps, make_audience())


def test_stored_config_with_unknown_topic_is_refused(deps, make_audience) -> None:
    with pytest.raises(InvalidConfig) as caught:
        submit(deps, make_audience(config={"topicIds": [999]}))
    assert [p.field for p in caught.value.problems] == ["config.topicIds[0]"]


def test_refused_submission_creates_no_run(deps, make_audience) -> None:
    audience = make_audience(config={"topicIds": []})
    with pytest.raises(InvalidConfig):
        submit(deps, audience)
    assert deps.store.list_runs(audience.id, None, 10) == []


def test_second_daily_run_for_the_same_date_is_a_duplicate(deps, make_audience) -> None:
    audience = make_audience()
    submit(deps, audience, DATES[0], RunType.DAILY)
    with pytest.raises(DuplicateRun):
        submit(deps, audience, DATES[0], RunType.DAILY)


def test_manual_runs_for_the_same_date_may_repeat(deps, make_audience) -> None:
    audience = make_audience()
    first = submit(deps, audience, DATES[0])
    assert submit(deps, audience, DATES[0]).id != first.id
