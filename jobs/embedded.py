"""The embedded runtime of `intent serve` without a broker: worker threads and the scheduler loop
in the API process, consuming the in-memory StubBroker that `deps.enqueue` sends to."""

from dramatiq import Worker

from jobs.deps import JobDeps
from jobs.isolation import warm_up
from jobs.loop import LoopThread
from jobs.services import RUN_PRELOAD, broker_of
from jobs.settings import Settings
from jobs.work import child_env
from jobs.worker import start_worker


class EmbeddedRuntime:
    def __init__(self, deps: JobDeps, settings: Settings) -> None:
        self._deps = deps
        self._settings = settings
        self._worker: Worker | None = None
        self._loop = LoopThread(deps)

    def start(self) -> None:
        warm_up(RUN_PRELOAD, child_env(self._settings))
        self._worker = start_worker(broker_of(self._deps), self._settings.worker_threads)
        self._loop.start()

    def stop(self) -> None:
        """Stop ticking, then let running attempts finish for up to one lease; an attempt still
        running after that is recovered by its lease when the engine runs again."""
        self._loop.stop()
        if self._worker is not None:
            self._worker.stop(timeout=self._settings.lease_seconds * 1000)
            self._worker = None
