"""Who hears that a materialization stage ended: a listener set around a call, told by each lap.

A context variable rather than a parameter, so that every backend's stopwatch tells whoever
listens without a listener threaded through the backend protocol; with none set it costs a lookup.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

StageListener = Callable[[str], None]  # hears the name of the stage that just ended

_LISTENER: Final[ContextVar[StageListener | None]] = ContextVar("stage_listener", default=None)


@contextmanager
def stages_to(listener: StageListener) -> Iterator[None]:
    """Within the block, `listener` hears each stage that ends in this thread's context."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def stage_ended(stage: str) -> None:
    listener = _LISTENER.get()
    if listener is not None:
        listener(stage)
