"""The snapshot store a setting names: a local directory, or an `s3://bucket/prefix`."""

from data.snapshots.local import LocalSnapshotStore
from data.snapshots.objects import DEFAULT_CACHE_BYTES, ObjectSnapshotStore
from data.snapshots.store import SnapshotStore
from data.storage import Location, S3Settings, is_remote, local_path, open_store


def open_snapshot_store(
    location: Location, s3: S3Settings, cache_bytes: int = DEFAULT_CACHE_BYTES
) -> SnapshotStore:
    """Local disk publishes by rename; object storage by writing the manifest last, and reads
    its snapshots through a block cache of `cache_bytes`."""
    if is_remote(location):
        return ObjectSnapshotStore(open_store(location, s3), cache_bytes)
    return LocalSnapshotStore(local_path(location, "INTENT_SNAPSHOTS"))
