"""The snapshot store seam: where a run's results, stats and manifest are published and read.

One directory per run (`<org>/<audience>/<run>/` on local disk, an attempt's prefix under it on
object storage), published once, atomically, never changed. A snapshot is named by its location:
a local directory (a Path) or an `s3://bucket/...` prefix (a str), as the run row stores it.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Protocol, TypeAlias

import pyarrow as pa

from data.errors import SnapshotError
from data.snapshots.results_file import ResultsFile
from data.storage import Location
from engine.schema import MaterializeResult

# Ids become path components: no separators, no dot-files (".staging" is reserved).
_SAFE_ID: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")
EXPORTS_SUFFIX: Final = ".exports"


def exports_dir(snapshot: Location) -> Location:
    """Where a run's stored exports live: beside its snapshot directory, never inside it (a
    published snapshot is immutable); deleting the snapshot deletes them too."""
    if isinstance(snapshot, Path):
        return snapshot.with_name(snapshot.name + EXPORTS_SUFFIX)
    return snapshot.rstrip("/") + EXPORTS_SUFFIX


@dataclass(frozen=True)
class SnapshotKey:
    org_id: str
    audience_id: str
    run_id: str

    def __post_init__(self) -> None:
        for name in ("org_id", "audience_id", "run_id"):
            value = getattr(self, name)
            if not _SAFE_ID.fullmatch(value):
                raise SnapshotError(f"snapshot key {name} is not a safe path component: {value!r}")

    def parts(self) -> tuple[str, str, str]:
        return self.org_id, self.audience_id, self.run_id


@dataclass(frozen=True)
class SnapshotRef:
    """A published snapshot: its location (what the run row stores) and its manifest."""

    key: SnapshotKey
    path: Location
    manifest: dict[str, Any]


@dataclass(frozen=True)
class PreviousRun:
    """The run a new snapshot is diffed against when it is published: the audience's latest
    completed run of an earlier data date, and that run's snapshot."""

    run_id: str
    path: Location


Snapshot = SnapshotRef | Location
# A snapshot's stats, or the function that computes them: it then runs while results.parquet is
# being written, so the two overlap instead of following each other.
StatsSource: TypeAlias = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class SnapshotStore(Protocol):
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
        """Write and publish atomically; if the run is already published, return that one.
        With `previous`, the diff against it is stored too (when its snapshot can be read)."""

    def read_page(self, snapshot: Snapshot, offset: int, limit: int) -> tuple[pa.Table, int]:
        """Rows [offset, offset + limit) in rank order and the total row count."""

    def read_stats(self, snapshot: Snapshot) -> dict[str, Any]: ...

    def read_manifest(self, snapshot: Snapshot) -> dict[str, Any]: ...

    def read_bytes(self, snapshot: Snapshot, name: str) -> bytes:
        """One of the snapshot's files whole (a small one: the stored diff)."""

    def open_results(self, snapshot: Snapshot, *, whole: bool = False) -> ResultsFile:
        """The snapshot's results.parquet. `whole`: the caller reads it through once (an
        export, a diff), so on object storage its blocks do not go through the cache that pages
        share (they would push out the blocks of pages read again)."""

    def list_staging(self, older_than: datetime) -> list[Location]:
        """Unpublished staging output last touched before `older_than` (for garbage collection)."""

    def remove_staging(self, path: Location) -> None: ...

    def delete(self, key: SnapshotKey) -> None:
        """Remove a published snapshot; deleting a missing one does nothing."""

    def check(self) -> None:
        """Raise StorageError, naming the bucket and endpoint, when snapshots cannot be stored
        (a missing bucket, refused credentials, an endpoint that does not answer)."""
