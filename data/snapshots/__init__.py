"""Run snapshots: the store seam, its local-directory and in-memory stores, the file writer."""

from data.snapshots.files import write_snapshot_dir
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.memory import MemorySnapshotStore
from data.snapshots.store import (
    Snapshot,
    SnapshotKey,
    SnapshotRef,
    SnapshotStore,
    exports_dir,
)

__all__ = [
    "LocalSnapshotStore",
    "MemorySnapshotStore",
    "Snapshot",
    "SnapshotKey",
    "SnapshotRef",
    "SnapshotStore",
    "exports_dir",
    "write_snapshot_dir",
]
