"""The snapshot store on object storage (an S3-compatible bucket, through the `Store` seam).

An object store has no rename, so each attempt writes under a prefix of its own,
`<org>/<audience>/<run>/a<attempt>-<random>/`: results.parquet, stats.json, the stored diff, and
manifest.json last. The manifest is the commit marker: an attempt's prefix without it is not a
snapshot (a later attempt writes its own), and the run row names the prefix it completed with.

Before writing, an attempt leaves an empty marker `.staging/<org>+<audience>+<run>+<attempt>`
(flat: no directory of markers outlives them) and removes it once the manifest is written; a
marker older than the grace period names what a dead attempt left, which the reconciler removes
(`list_staging`, `remove_staging`). Only the markers are listed, so collecting garbage never
lists the whole bucket.
"""

import contextlib
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, Final, TypeVar

import pyarrow as pa
import pyarrow.fs as pafs

from data.errors import SnapshotError, StorageError
from data.s3_uploads import abort_uploads
from data.snapshots import reader
from data.snapshots.diff import PreviousIds, person_ids
from data.snapshots.files import (
    MANIFEST,
    RESULTS,
    STATS,
    base_manifest,
    json_bytes,
    write_snapshot,
)
from data.snapshots.remote_file import BLOCK_BYTES, BlockCache, RemoteFile
from data.snapshots.results_file import ResultsFile, write_results
from data.snapshots.store import (
    PreviousRun,
    Snapshot,
    SnapshotKey,
    SnapshotRef,
    StatsSource,
)
from data.storage import Location, S3Store, Store
from engine.schema import MaterializeResult

STAGING: Final = ".staging"
DEFAULT_CACHE_BYTES: Final = 256 << 20
# A file read through once keeps its last few blocks to itself: a row group that ends inside a
# block is followed by one that starts there.
WHOLE_READ_BLOCKS: Final = 4
_ATTEMPT: Final = re.compile(r"a[0-9]+-[0-9a-f]{12}")
_MARK: Final = "+"  # joins the parts of an attempt's prefix in its marker's name (ids have none)
T = TypeVar("T")


class StoreTarget:
    """A SnapshotTarget writing the objects of one attempt's prefix; results.parquet is
    streamed to the store as it is encoded (a multipart upload on S3)."""

    def __init__(self, store: Store, prefix: str) -> None:
        self._store = store
        self._prefix = prefix

    def write_results(self, table: pa.Table) -> dict[str, Any]:
        path = self._store.locate(f"{self._prefix}/{RESULTS}")
        self._store.note_request("put")  # one, however many parts the upload takes
        with self._store.filesystem.open_output_stream(path) as out:
            return write_results(table, out)

    def put(self, name: str, data: bytes) -> None:
        self._store.write_bytes(f"{self._prefix}/{name}", data)


class ObjectSnapshotStore:
    """Snapshots under the root of `store`; remote reads go through one bounded block cache."""

    def __init__(self, store: Store, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.store = store
        self.root = store.uri
        self.cache = BlockCache(cache_bytes)

    def __reduce__(self) -> tuple[type["ObjectSnapshotStore"], tuple[Store, int]]:
        """Sent to a run's child process without the cache (each process keeps its own)."""
        return ObjectSnapshotStore, (self.store, self.cache.budget_bytes)

    def path_of(self, key: SnapshotKey) -> str:
        """The prefix of the run's attempts (a snapshot is one of them)."""
        return self._location(_run_key(key))

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
        published = self._guard(lambda: self._published(_run_key(key)))
        if published is None:
            manifest = base_manifest(
                result, run_id=key.run_id, attempt=attempt, extra=manifest_extra
            )
            published = f"{_run_key(key)}/a{attempt}-{secrets.token_hex(6)}"
            self._guard(lambda: self.store.write_bytes(marker_of(published), b""))
            try:
                target = StoreTarget(self.store, published)
                written = self._guard(
                    lambda: write_snapshot(target, result, stats, manifest, self._ids(previous))
                )
            except BaseException:
                self._discard(published)
                raise
            with contextlib.suppress(OSError):  # a marker left behind is collected later
                self.store.delete_tree(marker_of(published))
            # The manifest as a reader parses it, without reading back what was just written.
            return SnapshotRef(key, self._location(published), json.loads(json_bytes(written)))
        location = self._location(published)
        return SnapshotRef(key, location, self.read_manifest(location))

    def read_page(self, snapshot: Snapshot, offset: int, limit: int) -> tuple[pa.Table, int]:
        return reader.read_page(self.open_results(snapshot), offset, limit)

    def read_stats(self, snapshot: Snapshot) -> dict[str, Any]:
        return self._json(snapshot, STATS)

    def read_manifest(self, snapshot: Snapshot) -> dict[str, Any]:
        return self._json(snapshot, MANIFEST)

    def open_results(self, snapshot: Snapshot, *, whole: bool = False) -> ResultsFile:
        key = f"{self._key(snapshot)}/{RESULTS}"
        cache = BlockCache(WHOLE_READ_BLOCKS * BLOCK_BYTES) if whole else self.cache
        remote = RemoteFile(
            self.store.filesystem, self.store.locate(key), cache, self.store.note_request
        )
        try:
            return ResultsFile(remote)
        except (FileNotFoundError, pa.ArrowInvalid) as exc:
            raise SnapshotError(f"cannot open {self._location(key)}: {exc}") from exc
        except OSError as exc:
            raise self._failure(exc, f"cannot open {self._location(key)}") from exc

    def read_bytes(self, snapshot: Snapshot, name: str) -> bytes:
        key = f"{self._key(snapshot)}/{name}"
        try:
            return self.store.read_bytes(key)
        except FileNotFoundError as exc:
            raise SnapshotError(f"cannot read {self._location(key)}: no such object") from exc
        except OSError as exc:
            raise self._failure(exc, f"cannot read {self._location(key)}") from exc

    def list_staging(self, older_than: datetime) -> list[Location]:
        """The prefixes of attempts that started before `older_than` and never wrote their
        manifest. A stale marker of a published attempt (its writer died before removing it)
        is removed here: the snapshot is the run's to keep or delete."""
        cutoff = int(older_than.timestamp() * 1e9)
        stale: list[Location] = []
        for entry in self._guard(self._markers):
            attempt = _attempt_of(entry.base_name)
            if attempt is None or (entry.mtime_ns or 0) >= cutoff:
                continue
            if self.store.info(f"{attempt}/{MANIFEST}") is None:
                stale.append(self._location(attempt))
            else:
                self.store.delete_tree(marker_of(attempt))
        return sorted(stale, key=str)

    def remove_staging(self, path: Location) -> None:
        attempt = self._key(str(path))
        if not _ATTEMPT.fullmatch(attempt.rsplit("/", 1)[-1]):
            raise SnapshotError(f"not the staging output of an attempt of this store: {path}")
        if self._guard(lambda: self.store.info(f"{attempt}/{MANIFEST}")) is not None:
            raise SnapshotError(f"not staging output: {path} is a published snapshot")
        self._discard(attempt)

    def check(self) -> None:
        self._guard(self.store.check)

    def delete(self, key: SnapshotKey) -> None:
        """Remove every attempt of the run and the exports beside them, then their markers."""
        run = _run_key(key)
        # An export or an attempt killed mid-upload: on S3 its parts are kept, and billed.
        abort_uploads(self.store, run)
        self._guard(lambda: self.store.delete_tree(run))
        for entry in self._guard(self._markers):
            if (_attempt_of(entry.base_name) or "").startswith(run + "/"):
                self.store.note_request("delete")
                self._guard(partial(self.store.filesystem.delete_file, entry.path))

    def _markers(self) -> list[pafs.FileInfo]:
        selector = pafs.FileSelector(self.store.locate(STAGING), allow_not_found=True)
        self.store.note_request("list")
        found = self.store.filesystem.get_file_info(selector)
        return [entry for entry in found if entry.type == pafs.FileType.File]

    def _published(self, run_key: str) -> str | None:
        """The prefix of the run's first attempt that wrote its manifest, if any did."""
        for name in self.store.children(run_key):
            prefix = f"{run_key}/{name}"
            if _ATTEMPT.fullmatch(name) and self.store.info(f"{prefix}/{MANIFEST}") is not None:
                return prefix
        return None

    def _discard(self, attempt: str) -> None:
        """Remove what an attempt wrote (an upload it left open too), then its marker; failures
        are left to a later pass."""
        with contextlib.suppress(OSError, StorageError):
            abort_uploads(self.store, attempt)
            self.store.delete_tree(attempt)
            self.store.delete_tree(marker_of(attempt))

    def _ids(self, previous: PreviousRun | None) -> PreviousIds | None:
        if previous is None:
            return None
        return PreviousIds(
            previous.run_id, lambda: person_ids(self.open_results(previous.path, whole=True))
        )

    def _json(self, snapshot: Snapshot, name: str) -> dict[str, Any]:
        data = self.read_bytes(snapshot, name)
        try:
            value = json.loads(data)
        except ValueError as exc:
            raise SnapshotError(f"cannot read {name} of {self._where(snapshot)}: {exc}") from exc
        if not isinstance(value, dict):
            raise SnapshotError(f"{name} of {self._where(snapshot)} does not hold a JSON object")
        return value

    def _key(self, snapshot: Snapshot) -> str:
        """The key of a snapshot (or any location) of this store, relative to its root."""
        where = str(self._where(snapshot)).rstrip("/")
        inside = where.removeprefix(self.root.rstrip("/") + "/")
        if inside == where:
            raise SnapshotError(f"{where} is not under the snapshot store {self.root}")
        return inside

    def _location(self, key: str) -> str:
        return f"{self.root.rstrip('/')}/{key}"

    def _where(self, snapshot: Snapshot) -> Location:
        return snapshot.path if isinstance(snapshot, SnapshotRef) else snapshot

    def _guard(self, action: Callable[[], T]) -> T:
        """`action`, with a failure of the store itself raised as the StorageError it is."""
        try:
            return action()
        except (SnapshotError, FileNotFoundError):
            raise
        except OSError as exc:
            raise self._failure(exc, f"snapshot store {self.root}") from exc

    def _failure(self, exc: OSError, what: str) -> Exception:
        if isinstance(self.store, S3Store):
            return self.store.failure(exc)
        return SnapshotError(f"{what}: {exc}")


def _run_key(key: SnapshotKey) -> str:
    return "/".join(key.parts())


def marker_of(attempt: str) -> str:
    """The key of the marker an attempt leaves while it writes under `attempt`."""
    return f"{STAGING}/{attempt.replace('/', _MARK)}"


def _attempt_of(marker_name: str) -> str | None:
    """The attempt prefix a marker names; None for any other object."""
    parts = marker_name.split(_MARK)
    if len(parts) != 4 or not _ATTEMPT.fullmatch(parts[-1]):
        return None
    return "/".join(parts)
