"""Where the dataset (and later snapshots and exports) lives: a local directory or a prefix of an
S3-compatible bucket, behind one small `Store` interface over a pyarrow filesystem.

Readers that take a filesystem and a path (pyarrow, DuckDB over Arrow, Polars over pyarrow) use
`Store.filesystem` with `Store.locate(key)`, so row-group pruning becomes range requests on S3.
Keys are `/`-separated and relative to the store's root. Nothing here reads the environment: the
endpoint and credentials arrive as `S3Settings` from the settings module.
"""

import fcntl
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import pyarrow.fs as pafs

from data import s3_requests
from data.errors import StorageError
from engine.schema import ObjectStore

S3_SCHEME: Final = "s3://"
# Seconds a request may go without a byte before it fails: the AWS SDK's 3 s fails large ranged
# reads from a busy server (seen on the local test server under a parallel test suite).
REQUEST_TIMEOUT_S: Final = 60.0


@dataclass(frozen=True)
class S3Settings:
    """The endpoint and credentials of S3-compatible storage (AWS_* variables); a None leaves
    the choice to the AWS default chain (instance roles, profiles)."""

    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    region: str | None = None
    # With temporary keys (STS, SSO, `aws-vault exec`): the token that goes with them.
    session_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ObjectInfo:
    """What a store knows of one object without reading it: enough to tell it changed."""

    size: int
    mtime_ns: int


class Store(Protocol):
    """A tree of objects under one root; every key is relative to that root."""

    @property
    def uri(self) -> str: ...

    @property
    def filesystem(self) -> pafs.FileSystem: ...

    def locate(self, key: str) -> str:
        """The path of `key` inside `filesystem`, for readers that open it themselves."""

    def info(self, key: str) -> ObjectInfo | None:
        """The object's size and modification time; None when there is no object at `key`."""

    def read_bytes(self, key: str) -> bytes:
        """The whole object; FileNotFoundError when absent."""

    def write_bytes(self, key: str, data: bytes) -> None:
        """Store `data` at `key`; readers see the old object or the whole new one, never part."""

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        """The whole object and its tag, which changes whenever the object is rewritten; None
        when there is no object at `key`."""

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        """Store `data` at `key` only while the object there has the tag `expected` (None: only
        while there is no object); False, with nothing written, when it does not. Of writers
        racing on one tag exactly one succeeds: a compare-and-swap for manifests."""

    def upload(self, source: Path, key: str) -> None:
        """Copy a local file to `key`, with the same all-or-nothing visibility."""

    def children(self, key: str) -> list[str]:
        """The sorted names of the directories (prefixes) directly under `key`."""

    def files(self, key: str) -> list[str]:
        """The sorted names of the objects directly under `key`."""

    def delete_tree(self, key: str) -> None:
        """Remove every object under `key`; nothing to remove is not an error."""

    def check(self) -> None:
        """Raise StorageError, naming the bucket or directory, when the root cannot be used."""

    def note_request(self, operation: str, n: int = 1) -> None:
        """`n` requests of `operation` (`data.s3_requests.OPERATIONS`) that the caller made
        itself through `filesystem`: counted on object storage, nothing on local disk."""


class _ArrowStore:
    """What both stores share: keys mapped below a root path of a pyarrow filesystem."""

    def __init__(self, uri: str, filesystem: pafs.FileSystem, root: str) -> None:
        self._uri = uri
        self._filesystem = filesystem
        self._root = root.rstrip("/")

    @property
    def uri(self) -> str:
        return self._uri

    @property
    def filesystem(self) -> pafs.FileSystem:
        return self._filesystem

    def locate(self, key: str) -> str:
        key = key.strip("/")
        return f"{self._root}/{key}" if key else self._root

    def note_request(self, operation: str, n: int = 1) -> None:
        """Nothing here: only object storage counts its requests."""

    def info(self, key: str) -> ObjectInfo | None:
        self.note_request("head")
        found = self._filesystem.get_file_info(self.locate(key))
        if found.type != pafs.FileType.File:
            return None
        return ObjectInfo(found.size, found.mtime_ns or 0)

    def read_bytes(self, key: str) -> bytes:
        self.note_request("get")
        with self._filesystem.open_input_stream(self.locate(key)) as stream:
            return bytes(stream.read())

    def children(self, key: str) -> list[str]:
        return self._entries(key, pafs.FileType.Directory)

    def files(self, key: str) -> list[str]:
        return self._entries(key, pafs.FileType.File)

    def _entries(self, key: str, kind: "pafs.FileType") -> list[str]:
        self.note_request("list")
        selector = pafs.FileSelector(self.locate(key), allow_not_found=True)
        found = self._filesystem.get_file_info(selector)
        return sorted(entry.base_name for entry in found if entry.type == kind)

    def delete_tree(self, key: str) -> None:
        path = self.locate(key)
        self.note_request("head")
        kind = self._filesystem.get_file_info(path).type
        if kind == pafs.FileType.Directory:
            self.note_request("list")  # then a delete of each object under it (not counted)
            self._filesystem.delete_dir(path)
        elif kind == pafs.FileType.File:
            self.note_request("delete")
            self._filesystem.delete_file(path)


class LocalStore(_ArrowStore):
    """A directory on local (or shared POSIX) disk; writes land by rename, so they are atomic."""

    def __init__(self, root: Path) -> None:
        root = root.absolute()
        super().__init__(str(root), pafs.LocalFileSystem(), root.as_posix())
        self.root = root

    def write_bytes(self, key: str, data: bytes) -> None:
        target = Path(self.locate(key))
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        staged.write_bytes(data)
        os.replace(staged, target)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        try:
            data = Path(self.locate(key)).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None
        return data, _content_tag(data)

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        """Under an exclusive lock of the object's directory, held by every conditional writer
        of it (plain readers need none: the write lands by rename)."""
        target = Path(self.locate(key))
        target.parent.mkdir(parents=True, exist_ok=True)
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            fcntl.flock(directory, fcntl.LOCK_EX)
            current = self.read_tagged(key)
            if (current[1] if current else None) != expected:
                return False
            self.write_bytes(key, data)
            return True
        finally:
            os.close(directory)  # releases the lock

    def upload(self, source: Path, key: str) -> None:
        self.write_bytes(key, source.read_bytes())

    def check(self) -> None:
        if not self.root.is_dir():
            raise StorageError(f"{self.root}: the directory does not exist")


class S3Store(_ArrowStore):
    """A prefix of an S3-compatible bucket; one PUT is atomic, so is each write."""

    def __init__(self, bucket: str, prefix: str, settings: S3Settings) -> None:
        prefix = prefix.strip("/")
        uri = f"{S3_SCHEME}{bucket}/{prefix}" if prefix else f"{S3_SCHEME}{bucket}"
        super().__init__(uri, s3_filesystem(settings), f"{bucket}/{prefix}" if prefix else bucket)
        self.bucket = bucket
        self.prefix = prefix  # the keys of this store begin with it ("" for the whole bucket)
        self.settings = settings

    def note_request(self, operation: str, n: int = 1) -> None:
        s3_requests.count(operation, n)

    def write_bytes(self, key: str, data: bytes) -> None:
        self.note_request("put")
        with self.filesystem.open_output_stream(self.locate(key)) as stream:
            stream.write(data)

    def read_tagged(self, key: str) -> tuple[bytes, str] | None:
        self.note_request("get")
        try:
            found = self._client().get_object(Bucket=self.bucket, Key=self._object_key(key))
        except self._client().exceptions.NoSuchKey:
            return None
        return found["Body"].read(), str(found["ETag"])

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        """A conditional PUT (`If-Match` the ETag, or `If-None-Match: *`), which AWS S3, MinIO
        and R2 honour; a server that ignores the condition makes this a plain write."""
        from botocore.exceptions import ClientError

        self.note_request("put")
        condition = {"IfNoneMatch": "*"} if expected is None else {"IfMatch": expected}
        try:
            self._client().put_object(
                Bucket=self.bucket, Key=self._object_key(key), Body=data, **condition
            )
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in CONDITION_FAILED:
                return False
            raise StorageError(f"{self.uri}/{key}: the conditional write failed: {exc}") from None
        return True

    def _object_key(self, key: str) -> str:
        key = key.strip("/")
        return f"{self.prefix}/{key}" if self.prefix else key

    def _client(self) -> Any:
        from data.s3_client import s3_client  # botocore: only for what pyarrow cannot do

        return s3_client(self.settings)

    def upload(self, source: Path, key: str) -> None:
        self.note_request("put")  # one, however many parts a large file is uploaded in
        pafs.copy_files(
            source.as_posix(),
            self.locate(key),
            source_filesystem=pafs.LocalFileSystem(),
            destination_filesystem=self.filesystem,
        )

    def check(self) -> None:
        self.note_request("head")
        try:
            found = self.filesystem.get_file_info(self.bucket)
        except OSError as exc:
            raise self.failure(exc) from None
        if found.type == pafs.FileType.NotFound:
            raise StorageError(
                f"bucket {self.bucket!r} does not exist at {self._endpoint()} ({self.uri})",
                "missing",
            )

    def failure(self, exc: OSError) -> StorageError:
        """The StorageError an error of the filesystem stands for, naming bucket and endpoint."""
        kind = failure_kind(str(exc))
        if kind == "denied":
            return StorageError(self._refused(exc), kind)
        return StorageError(self._cannot_use(exc), kind)

    def _refused(self, exc: OSError) -> str:
        return (
            f"bucket {self.bucket!r} at {self._endpoint()} refused the credentials: {exc}; "
            "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION"
        )

    def _cannot_use(self, exc: OSError) -> str:
        return (
            f"bucket {self.bucket!r} at {self._endpoint()} cannot be used: {exc}; check "
            "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION"
        )

    def _endpoint(self) -> str:
        return self.settings.endpoint_url or "the default AWS endpoint"


# What a server answers when the condition of a conditional PUT does not hold: 412, or 409 when
# another conditional write of the key is in flight; 404 when an If-Match object was deleted.
CONDITION_FAILED: Final = frozenset(
    {"PreconditionFailed", "412", "ConditionalRequestConflict", "409", "NoSuchKey", "404"}
)


def _content_tag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


DENIED_MARKS: Final = (
    "ACCESS_DENIED",
    "AccessDenied",
    "INVALID_ACCESS_KEY_ID",
    "InvalidAccessKeyId",
    "SIGNATURE_DOES_NOT_MATCH",
    "SignatureDoesNotMatch",
    "HTTP status 403",
)


def failure_kind(message: str) -> str:
    """ "denied" when the server refused the credentials, else "unreachable"."""
    return "denied" if any(mark in message for mark in DENIED_MARKS) else "unreachable"


def object_store(store: Store) -> ObjectStore | None:
    """What a reader with its own S3 client (Polars) needs to read `store`'s files by the paths
    its filesystem gives them: the same endpoint, credentials and region; None off S3."""
    if not isinstance(store, S3Store):
        return None
    settings = store.settings
    options = {"timeout": f"{REQUEST_TIMEOUT_S:g}s"}
    options |= {f"aws_{name}": value for name, value in _connection(settings).items()}
    if (settings.endpoint_url or "").startswith("http://"):
        options["aws_allow_http"] = "true"
    return ObjectStore(S3_SCHEME, tuple(sorted(options.items())))


def s3_filesystem(settings: S3Settings) -> pafs.S3FileSystem:
    """A pyarrow S3 filesystem for `settings`; buckets are neither created nor deleted by it."""
    options: dict[str, object] = {"request_timeout": REQUEST_TIMEOUT_S}
    options |= {ARROW_NAMES[name]: value for name, value in _connection(settings).items()}
    return pafs.S3FileSystem(**options)


# pyarrow's names for the settings `_connection` gives (Polars' are these with "aws_" before).
ARROW_NAMES: Final = {
    "endpoint_url": "endpoint_override",
    "access_key_id": "access_key",
    "secret_access_key": "secret_key",
    "session_token": "session_token",
    "region": "region",
}


def _connection(settings: S3Settings) -> dict[str, str]:
    """The settings given: endpoint, region, and the keys only as a pair (with the token of
    temporary keys); what is missing is left to the client's default chain."""
    found = {"endpoint_url": settings.endpoint_url, "region": settings.region}
    if settings.access_key_id and settings.secret_access_key:
        found |= {
            "access_key_id": settings.access_key_id,
            "secret_access_key": settings.secret_access_key,
            "session_token": settings.session_token,
        }
    return {name: value for name, value in found.items() if value}


# Where data lives, as a setting names it: a local directory, or "s3://bucket/prefix" (a str).
Location = Path | str


def as_location(text: str | Path) -> Location:
    """`text` as a Location: kept as text when it names an object store, else a Path (which
    would fold the `//` of `s3://`)."""
    return str(text) if is_remote(text) else Path(text)


def join(location: Location, name: str) -> Location:
    """`name` inside the directory or prefix `location`."""
    if isinstance(location, Path):
        return location / name
    return f"{location.rstrip('/')}/{name}"


def split(location: str) -> tuple[str, str]:
    """A remote location as (its parent prefix, its last name)."""
    parent, _, name = location.rstrip("/").rpartition("/")
    return parent, name


def address(location: str | Path) -> tuple[str, str | None, str]:
    """Where a stored file is, as an export object names it: the storage provider ("s3" or
    "local"), the bucket (None on local disk) and the file (the object's key in the bucket,
    or the file's name on local disk)."""
    text = str(location)
    if is_remote(text):
        bucket, _, key = text.removeprefix(S3_SCHEME).partition("/")
        return "s3", bucket, key
    return "local", None, Path(text).name


def local_path(location: Location, what: str) -> Path:
    """The directory of a local `location`; StorageError naming `what` when it is remote."""
    if is_remote(location):
        raise StorageError(f"{what} at {location} must be a local directory here")
    return Path(location)


def is_remote(location: str | Path) -> bool:
    return str(location).startswith(S3_SCHEME)


def open_store(location: str | Path, s3: S3Settings) -> Store:
    """The store at `location`: `s3://bucket/prefix`, or a local directory path."""
    text = str(location)
    if not is_remote(text):
        return LocalStore(Path(text))
    bucket, _, prefix = text.removeprefix(S3_SCHEME).partition("/")
    if not bucket:
        raise StorageError(f"{text}: an s3:// location needs a bucket name")
    return S3Store(bucket, prefix, s3)
