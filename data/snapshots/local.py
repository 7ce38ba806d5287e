"""The snapshot store on a local (or shared, POSIX) directory tree.

Publish writes into `<root>/.staging/<run>-<attempt>-<random>/`, fsyncs, then renames the whole
directory to `<root>/<org>/<audience>/<run>/`; the rename is the moment the snapshot exists.
"""

import contextlib
import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from data.errors import SnapshotError
from data.snapshots import reader
from data.snapshots.diff import PreviousIds, person_ids
from data.snapshots.files import base_manifest, fsync_path, write_snapshot_dir
from data.snapshots.results_file import ResultsFile
from data.snapshots.store import (
    PreviousRun,
    Snapshot,
    SnapshotKey,
    SnapshotRef,
    StatsSource,
    exports_dir,
)
from data.storage import Location
from engine.schema import MaterializeResult

STAGING: Final = ".staging"


class LocalSnapshotStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging_root = root / STAGING

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
        final = self.path_of(key)
        if not final.exists():
            manifest = base_manifest(
                result, run_id=key.run_id, attempt=attempt, extra=manifest_extra
            )
            staging = self._new_staging(f"{key.run_id}-{attempt}")
            try:
                write_snapshot_dir(staging, result, stats, manifest, self._ids(previous))
                self._move_into_place(staging, final)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return SnapshotRef(key, final, reader.read_manifest(final))

    def read_page(self, snapshot: Snapshot, offset: int, limit: int) -> tuple[pa.Table, int]:
        return reader.read_page(self.open_results(snapshot), offset, limit)

    def read_stats(self, snapshot: Snapshot) -> dict[str, Any]:
        return reader.read_stats(_directory(snapshot))

    def read_manifest(self, snapshot: Snapshot) -> dict[str, Any]:
        return reader.read_manifest(_directory(snapshot))

    def open_results(self, snapshot: Snapshot, *, whole: bool = False) -> ResultsFile:
        return reader.open_results(_directory(snapshot))

    def read_bytes(self, snapshot: Snapshot, name: str) -> bytes:
        path = _directory(snapshot) / name
        try:
            return path.read_bytes()
        except OSError as exc:
            raise SnapshotError(f"cannot read {path}: {exc}") from exc

    def _ids(self, previous: PreviousRun | None) -> PreviousIds | None:
        if previous is None:
            return None
        return PreviousIds(previous.run_id, lambda: person_ids(self.open_results(previous.path)))

    def list_staging(self, older_than: datetime) -> list[Location]:
        if not self.staging_root.is_dir():
            return []
        cutoff = older_than.timestamp()
        return sorted(p for p in self.staging_root.iterdir() if _mtime(p) < cutoff)

    def remove_staging(self, path: Location) -> None:
        if not isinstance(path, Path) or path.parent != self.staging_root:
            raise SnapshotError(f"not a staging directory of this store: {path}")
        shutil.rmtree(path, ignore_errors=True)

    def check(self) -> None:
        """Local disk is there; the directory is made by the first publish."""

    def delete(self, key: SnapshotKey) -> None:
        """Remove the snapshot, then the run's exports beside it."""
        final = self.path_of(key)
        for path in (final, Path(exports_dir(final))):
            self._discard(path, key.run_id)

    def _discard(self, path: Path, run_id: str) -> None:
        """Move `path` out of sight in one rename, then remove it; a missing one is fine."""
        trash = self._staging_path(f"deleted-{run_id}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(path, trash)
        shutil.rmtree(trash, ignore_errors=True)

    def _staging_path(self, prefix: str) -> Path:
        """A fresh name under the staging root, unique to this attempt."""
        self.staging_root.mkdir(parents=True, exist_ok=True)
        return self.staging_root / f"{prefix}-{secrets.token_hex(6)}"

    def _new_staging(self, prefix: str) -> Path:
        path = self._staging_path(prefix)
        path.mkdir()
        return path

    def _move_into_place(self, staging: Path, final: Path) -> None:
        """Rename staging to final; losing the race to another attempt of the run is fine."""
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError as exc:
            if not final.is_dir():
                raise SnapshotError(f"cannot publish {final}: {exc}") from exc
        fsync_path(final.parent)


def _directory(snapshot: Snapshot) -> Path:
    return Path(snapshot.path if isinstance(snapshot, SnapshotRef) else snapshot)


def _mtime(path: Path) -> float:
    """When a staging directory or any file in it was last written; gone counts as fresh."""
    try:
        return max([path.stat().st_mtime, *(p.stat().st_mtime for p in path.iterdir())])
    except FileNotFoundError:
        return float("inf")
