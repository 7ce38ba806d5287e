"""The snapshot store in memory: each snapshot is the bytes of its three files, for tests.

Same file encoding and write order as the local store; publishing is one dict assignment, so
nothing is ever staged and there is no garbage to collect.
"""

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from data.errors import SnapshotError
from data.snapshots import reader
from data.snapshots.diff import PreviousIds, person_ids
from data.snapshots.files import MANIFEST, RESULTS, STATS, base_manifest, write_snapshot
from data.snapshots.results_file import ResultsFile, write_results
from data.snapshots.store import (
    PreviousRun,
    Snapshot,
    SnapshotKey,
    SnapshotRef,
    StatsSource,
)
from data.storage import Location
from engine.schema import MaterializeResult


class _Files:
    """A SnapshotTarget that keeps each file's bytes."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write_results(self, table: pa.Table) -> dict[str, Any]:
        buffer = io.BytesIO()
        entry = write_results(table, buffer)
        self.files[RESULTS] = buffer.getvalue()
        return entry

    def put(self, name: str, data: bytes) -> None:
        self.files[name] = data


class MemorySnapshotStore:
    def __init__(self, root: Path = Path("/memory/snapshots")) -> None:
        self.root = root
        self._snapshots: dict[Path, dict[str, bytes]] = {}

    def path_of(self, key: SnapshotKey) -> Path:
        return self.root.joinpath(*key.parts())

    def publish(
        self,
        key: SnapshotKey,
        result: MaterializeResult,
        *,
        attempt: int,
        stats: StatsSource,
        manifest_extra: dict[str, Any],
        previous: PreviousRun | None = None,
    ) -> SnapshotRef:
        path = self.path_of(key)
        if path not in self._snapshots:
            manifest = base_manifest(
                result, run_id=key.run_id, attempt=attempt, extra=manifest_extra
            )
            target = _Files()
            write_snapshot(target, result, stats, manifest, self._ids(previous))
            self._snapshots[path] = target.files
        return SnapshotRef(key, path, self.read_manifest(path))

    def read_page(self, snapshot: Snapshot, offset: int, limit: int) -> tuple[pa.Table, int]:
        return reader.read_page(self.open_results(snapshot), offset, limit)

    def read_stats(self, snapshot: Snapshot) -> dict[str, Any]:
        return self._json(snapshot, STATS)

    def read_manifest(self, snapshot: Snapshot) -> dict[str, Any]:
        return self._json(snapshot, MANIFEST)

    def open_results(self, snapshot: Snapshot, *, whole: bool = False) -> ResultsFile:
        return ResultsFile(pa.py_buffer(self._file(snapshot, RESULTS)))

    def read_bytes(self, snapshot: Snapshot, name: str) -> bytes:
        return self._file(snapshot, name)

    def _ids(self, previous: PreviousRun | None) -> PreviousIds | None:
        if previous is None:
            return None
        return PreviousIds(previous.run_id, lambda: person_ids(self.open_results(previous.path)))

    def list_staging(self, older_than: datetime) -> list[Location]:
        return []

    def remove_staging(self, path: Location) -> None:
        raise SnapshotError(f"not a staging directory of this store: {path}")

    def check(self) -> None:
        """Memory is always there."""

    def delete(self, key: SnapshotKey) -> None:
        self._snapshots.pop(self.path_of(key), None)

    def _file(self, snapshot: Snapshot, name: str) -> bytes:
        path = Path(snapshot.path if isinstance(snapshot, SnapshotRef) else snapshot)
        try:
            return self._snapshots[path][name]
        except KeyError:
            raise SnapshotError(f"cannot read {path / name}: no such snapshot") from None

    def _json(self, snapshot: Snapshot, name: str) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self._file(snapshot, name))
        return value
