"""The actors (a run attempt, an export build), declared on a given broker, and the enqueue
callables that send to them.

An actor takes an id and nothing else; everything it needs comes from the database.
"""

from dataclasses import dataclass
from typing import Final

from dramatiq import Actor, Broker, Message

from data.metadata.models import ExportId, RunId
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.exports import build_queued_export

RUN_ACTOR: Final = "execute_run"
EXPORT_ACTOR: Final = "build_export"


@dataclass(frozen=True)
class BrokerEnqueue:
    """`JobDeps.enqueue` for a broker: one message per run id on the run queue."""

    broker: Broker
    queue_name: str

    def __call__(self, run_id: RunId, delay_seconds: float = 0.0) -> None:
        message: Message[None] = Message(
            queue_name=self.queue_name,
            actor_name=RUN_ACTOR,
            args=(str(run_id),),
            kwargs={},
            options={},
        )
        self.broker.enqueue(message, delay=round(delay_seconds * 1000) or None)


@dataclass(frozen=True)
class BrokerExportEnqueue:
    """`JobDeps.enqueue_export` for a broker: one message per export id on the run queue."""

    broker: Broker
    queue_name: str

    def __call__(self, export_id: ExportId) -> None:
        message: Message[None] = Message(
            queue_name=self.queue_name,
            actor_name=EXPORT_ACTOR,
            args=(str(export_id),),
            kwargs={},
            options={},
        )
        self.broker.enqueue(message)


def declare_actors(broker: Broker, deps: JobDeps) -> Actor[[str], None]:
    """Declare the run and export actors on `broker`, bound to `deps`; the run actor is returned."""

    def run(run_id: str) -> None:
        execute_run(deps, RunId(run_id))

    def build(export_id: str) -> None:
        build_queued_export(deps, ExportId(export_id))

    Actor(
        build,
        broker=broker,
        actor_name=EXPORT_ACTOR,
        queue_name=deps.settings.queue_name,
        priority=0,
        options={},
    )
    return Actor(
        run,
        broker=broker,
        actor_name=RUN_ACTOR,
        queue_name=deps.settings.queue_name,
        priority=0,
        options={},
    )
