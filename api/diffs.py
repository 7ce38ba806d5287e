"""Diffs of two runs' snapshots, computed once per pair and kept in memory by their directories.

Published snapshots never change, so a diff kept under its two directories is never stale; a
cachetools LRU under a byte budget drops the least recently read diffs first. Computing runs on
a worker thread; two requests for a diff not yet kept may both compute it.
"""

import threading
from pathlib import Path
from typing import Final

from cachetools import LRUCache

from data.snapshots import SnapshotStore
from data.snapshots.diff import SnapshotDiff, diff_snapshots

DIFF_BUDGET_BYTES: Final = 64 << 20  # row numbers at 8 bytes: about 8M entered or exited rows

DiffKey = tuple[str, str]  # newer snapshot directory, older snapshot directory


class SnapshotDiffs:
    """One per app; `diff` blocks, so it is called on a worker thread."""

    def __init__(self, snapshots: SnapshotStore, budget_bytes: int = DIFF_BUDGET_BYTES) -> None:
        self._snapshots = snapshots
        self._kept: LRUCache[DiffKey, SnapshotDiff] = LRUCache(budget_bytes, _nbytes)
        self._lock = threading.Lock()

    def diff(self, newer: Path, older: Path) -> SnapshotDiff:
        key = (str(newer), str(older))
        with self._lock:
            found = self._kept.get(key)
        if found is None:
            found = diff_snapshots(
                self._snapshots.open_results(newer), self._snapshots.open_results(older)
            )
            with self._lock:
                if found.nbytes <= self._kept.maxsize:
                    self._kept[key] = found
        return found


def _nbytes(diff: SnapshotDiff) -> int:
    return max(diff.nbytes, 1)
