"""Run snapshots: the store seam, its local-directory, object-storage and in-memory stores, the
file writer."""

from data.snapshots.files import write_snapshot_dir
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.location import open_snapshot_store
from data.snapshots.memory import MemorySnapshotStore
from data.snapshots.objects import ObjectSnapshotStore
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
    "ObjectSnapshotStore",
    "Snapshot",
    "SnapshotKey",
    "SnapshotRef",
    "SnapshotStore",
    "exports_dir",
    "open_snapshot_store",
    "write_snapshot_dir",
]
