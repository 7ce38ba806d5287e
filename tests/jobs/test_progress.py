"""Run progress: the stages the work reports reach the run, forward only and fenced by attempt,
and a completed attempt's stage durations are observed."""

import threading
import time

from data.metadata.memory import MemoryMetadataStore
from engine.states import RunStatus, RunType
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.progress import RunStage, StageRecorder
from jobs.services import RUN_PRELOAD
from jobs.submit import submit_run
from jobs.work import ChildRunner, InlineRunner
from tests.jobs import targets
from tests.metadata import factories


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _claimed_run(store: MemoryMetadataStore):
    org = store.create_organization("acme", 10, factories.NOW)
    audience = factories.audience(org.id)
    store.create_audience(audience)
    run = factories.run(audience)
    store.insert_run(run)
    claimed = store.claim_run(run.id, factories.NOW, factories.at(30))
    assert claimed is not None
    return claimed


def test_each_new_stage_is_written_with_where_it_starts_on_the_progress_scale() -> None:
    store = MemoryMetadataStore()
    run = _claimed_run(store)
    StageRecorder(store, run)("people")
    current = store.get_run(run.id)
    assert (current.stage, current.progress) == ("people", 0.25)


def test_stages_only_move_forward() -> None:
    store = MemoryMetadataStore()
    run = _claimed_run(store)
    stages = StageRecorder(store, run)
    stages("topics")
    stages("people")  # a verify run passes the engine stages twice
    assert store.get_run(run.id).stage == "topics"
    assert stages.stage == RunStage.TOPICS


def test_an_unknown_stage_is_ignored() -> None:
    store = MemoryMetadataStore()
    run = _claimed_run(store)
    StageRecorder(store, run)("defragmenting")
    assert store.get_run(run.id).stage == "claimed"


def test_durations_are_the_time_in_each_stage_reached_and_the_total_since_claim() -> None:
    store = MemoryMetadataStore()
    ticks = Ticks()
    stages = StageRecorder(store, _claimed_run(store), ticks)
    for stage, at in (("candidates", 0.5), ("people", 1.5), ("topics", 4.0), ("writing", 5.0)):
        ticks.now = at
        stages(stage)
    ticks.now = 7.0
    stages("publishing")
    ticks.now = 7.25
    assert stages.durations() == {
        "candidates": 1.0,
        "people": 2.5,
        "topics": 1.0,
        "write": 2.0,
        "publish": 0.25,
        "total": 7.25,
    }


def _submitted(deps, audience):
    return submit_run(
        deps, audience=audience, run_type=RunType.MANUAL, data_date=None, now=deps.clock()
    )


def test_a_completed_run_observes_its_stage_durations(
    make_deps, memory_store, make_audience_on
) -> None:
    deps = make_deps(memory_store, runner=InlineRunner(produce_snapshot))
    run = _submitted(deps, make_audience_on(memory_store)(config={"topicIds": [1, 2]}))
    execute_run(deps, run.id)
    done = memory_store.get_run(run.id)
    assert (done.status, done.stage, done.progress) == (RunStatus.COMPLETED, None, 1.0)
    registry = deps.metrics.registry
    for stage in ("candidates", "people", "topics", "write", "publish", "total"):
        labels = {"backend": "polars", "stage": stage}
        assert registry.get_sample_value("intent_run_duration_seconds_count", labels) == 1


def test_a_slowed_run_in_a_child_process_shows_its_stages_while_running(
    make_deps, memory_store, make_audience_on
) -> None:
    runner = ChildRunner(targets.slowed_produce, preload=(*RUN_PRELOAD, "tests.jobs.targets"))
    deps = make_deps(memory_store, runner=runner)
    run = _submitted(deps, make_audience_on(memory_store)(config={"topicIds": [1, 2]}))
    worker = threading.Thread(target=execute_run, args=(deps, run.id))
    worker.start()
    seen: list[tuple[str, float]] = []
    deadline = time.monotonic() + 60
    while worker.is_alive() and time.monotonic() < deadline:
        current = memory_store.get_run(run.id)
        if current.status == RunStatus.RUNNING and (current.stage, current.progress) not in seen:
            seen.append((current.stage, current.progress))
        time.sleep(0.02)
    worker.join()
    assert memory_store.get_run(run.id).status == RunStatus.COMPLETED
    stages = [stage for stage, _ in seen]
    assert len(set(stages)) >= 3, seen
    assert stages == sorted(stages, key=list(RunStage).index)
    assert [progress for _, progress in seen] == sorted(progress for _, progress in seen)
