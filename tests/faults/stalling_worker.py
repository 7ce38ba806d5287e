"""`intent worker` whose export builds stall after their first chunk, for the fault suite.

Run as `python -m tests.faults.stalling_worker` with INTENT_* settings and STALL_MARKER, a path:
each build writes the first chunk of its partial file, creates the marker, then blocks until the
process is killed. Runs are untouched.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import data.exports
from cli.main import main


def stalling(
    chunks: Callable[..., Iterator[bytes]], marker: Path
) -> Callable[..., Iterator[bytes]]:
    def first_then_stall(*args: object) -> Iterator[bytes]:
        for chunk in chunks(*args):
            yield chunk
            break
        marker.touch()
        threading.Event().wait()  # until SIGKILL

    return first_then_stall


if __name__ == "__main__":
    data.exports._chunks = stalling(data.exports._chunks, Path(os.environ["STALL_MARKER"]))  # type: ignore[assignment]
    main(["worker"])
