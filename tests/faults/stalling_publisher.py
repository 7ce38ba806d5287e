"""`intent worker` whose publishes to object storage stall before the manifest, for the fault
suite.

Run as `python -m tests.faults.stalling_publisher` with INTENT_* settings and STALL_MARKER, a
path: a publish uploads results.parquet and stats.json, creates the marker, then blocks until the
process is killed instead of writing manifest.json. The patch is made on import, so it holds in
the run processes too (their server imports the main module again).
"""

import os
import threading
from pathlib import Path

from cli.main import main
from data.snapshots import objects
from data.snapshots.files import MANIFEST

_put = objects.StoreTarget.put


def _stall_before_the_manifest(target: objects.StoreTarget, name: str, data: bytes) -> None:
    if name == MANIFEST:
        Path(os.environ["STALL_MARKER"]).touch()
        threading.Event().wait()  # until SIGKILL
    _put(target, name, data)


objects.StoreTarget.put = _stall_before_the_manifest  # type: ignore[method-assign]

if __name__ == "__main__":
    main(["worker"])
