"""Run snapshots: the store seam, its local-directory implementation and the file writer."""

from data.snapshots.files import write_snapshot_dir
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.store import Snapshot, SnapshotKey, SnapshotRef, SnapshotStore

__all__ = [
    "LocalSnapshotStore",
    "Snapshot",
    "SnapshotKey",
    "SnapshotRef",
    "SnapshotStore",
    "write_snapshot_dir",
]
