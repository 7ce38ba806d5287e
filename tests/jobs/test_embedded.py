"""The embedded runtime: worker threads and the scheduler loop inside one process."""

from engine.states import RunStatus, RunType
from jobs.embedded import EmbeddedRuntime
from jobs.services import build_services
from jobs.submit import submit_run
from tests.jobs.factories import FakeClock, audience_maker, make_settings
from tests.jobs.polling import wait_for


def test_embedded_runtime_completes_a_submitted_run(tmp_path, dataset) -> None:
    settings = make_settings(tmp_path, dataset, tick_seconds=1)
    deps = build_services(settings)
    audience = audience_maker(deps.store, FakeClock())()
    runtime = EmbeddedRuntime(deps, settings)
    runtime.start()
    try:
        run = submit_run(
            deps, audience=audience, run_type=RunType.MANUAL, data_date=None, now=deps.clock()
        )
        done = wait_for(
            lambda: deps.store.get_run(run.id).status == RunStatus.COMPLETED,
            seconds=30,
            message="run completed",
        )
    finally:
        runtime.stop()
    assert done
