"""Diffs of two runs' snapshots, computed once per pair and kept in memory by their directories.

A snapshot published after an earlier run of its audience stores its diff against that run
(diff_previous.parquet, summed up in the manifest): that pair is read, not computed. Published
snapshots never change, so a diff kept under its two directories is never stale; a cachetools LRU
under a byte budget drops the least recently read diffs first. Everything here runs on a worker
thread; two requests for a diff not yet kept may both compute it.
"""

import threading
from typing import Final

from cachetools import LRUCache

from data.snapshots import SnapshotStore
from data.snapshots.diff import (
    DIFF_PREVIOUS,
    SnapshotDiff,
    diff_snapshots,
    load_diff,
    stored_against,
)
from data.storage import Location

DIFF_BUDGET_BYTES: Final = 64 << 20  # row numbers at 8 bytes: about 8M entered or exited rows

DiffKey = tuple[str, str]  # newer snapshot directory, older snapshot directory


class SnapshotDiffs:
    """One per app; `diff` blocks, so it is called on a worker thread."""

    def __init__(self, snapshots: SnapshotStore, budget_bytes: int = DIFF_BUDGET_BYTES) -> None:
        self._snapshots = snapshots
        self._kept: LRUCache[DiffKey, SnapshotDiff] = LRUCache(budget_bytes, _nbytes)
        self._lock = threading.Lock()

    def diff(self, newer: Location, older: Location, older_run: str) -> SnapshotDiff:
        """The diff of snapshot `newer` against `older`, the snapshot of run `older_run`."""
        key = (str(newer), str(older))
        with self._lock:
            found = self._kept.get(key)
        if found is None:
            found = self._stored(newer, older_run) or diff_snapshots(
                self._snapshots.open_results(newer, whole=True),
                self._snapshots.open_results(older, whole=True),
            )
            with self._lock:
                if found.nbytes <= self._kept.maxsize:
                    self._kept[key] = found
        return found

    def _stored(self, newer: Location, older_run: str) -> SnapshotDiff | None:
        manifest = self._snapshots.read_manifest(newer)
        if stored_against(manifest) != older_run:
            return None
        return load_diff(self._snapshots.read_bytes(newer, DIFF_PREVIOUS), manifest)


def _nbytes(diff: SnapshotDiff) -> int:
    return max(diff.nbytes, 1)
