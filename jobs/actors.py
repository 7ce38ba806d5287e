"""The one actor, declared on a given broker, and the enqueue callable that sends to it.

The actor takes a run id and nothing else; everything it needs comes from the database.
"""

from dataclasses import dataclass
from typing import Final

from dramatiq import Actor, Broker, Message

from data.metadata.models import RunId
from jobs.deps import JobDeps
from jobs.execute import execute_run

RUN_ACTOR: Final = "execute_run"


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


def declare_actors(broker: Broker, deps: JobDeps) -> Actor[[str], None]:
    """Declare the run actor on `broker`, bound to `deps`."""

    def run(run_id: str) -> None:
        execute_run(deps, RunId(run_id))

    return Actor(
        run,
        broker=broker,
        actor_name=RUN_ACTOR,
        queue_name=deps.settings.queue_name,
        priority=0,
        options={},
    )
