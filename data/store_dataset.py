"""Writing and checking a dataset kept in a `Store` (an object store prefix) through a local
staging copy: the generator, ingest and the validator work on a directory, and what they wrote is
uploaded in the order that keeps it invisible until whole.

Publishing order: topics, then people versions, then every date's part files, then each date's
`_manifest.json` last, so a reader of the store sees a date complete or not at all (a date without
its manifest does not exist). Each upload of a date goes under a prefix of its own, and a date
that is replaced keeps its manifest and files until the new manifest takes their place in one
conditional write (`_publish_dates`).
"""

import contextlib
import copy
import dataclasses
import hashlib
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import pyarrow.fs as pafs

from data import contract, topic_stats
from data.catalog import DATE_DIR, VERSION_DIR, DatasetCatalog, date_directories, people_versions
from data.errors import ConcurrentPublishError, DateExistsError, StorageError
from data.generator.progress import Report
from data.generator.run import DEFAULT_TOPICS, GenerateSummary, date_range, generate
from data.ingest import IngestRequest, IngestResult, ingest
from data.s3_uploads import Upload, abort, abort_uploads, open_uploads
from data.storage import Store
from data.validation import ValidationReport, validate_dataset

TOPICS_KEY = "topics.parquet"
# Created only if absent by the generate or ingest that writes a people version, so that two
# writers never upload their people into one version; it holds what identifies the writer's
# people (an ingest: the SHA-256 of its people file), so that a retry of the same ingest may go on.
# Not a part: readers and the validator ignore it.
CLAIM_NAME: Final = "_claim"
# A people version no date names is removed by the next publish once nothing was written to it
# for this long: what a killed generate or ingest left (a claim, part files, an unfinished
# upload), or a version every date has left. A writer at work keeps its version fresh.
UNUSED_PEOPLE_SECONDS: Final = 24 * 3600.0
# Each upload of a date puts its files under `<date>/v-<id>/`; no part or manifest name starts
# so, and without a `=` DuckDB and the catalog never take it for a partition.
UPLOAD_PREFIX: Final = "v-"


def generate_into_store(
    store: Store,
    *,
    scale: float,
    days: int,
    end_date: date,
    seed: int,
    topics: int = DEFAULT_TOPICS,
    progress: Report | None = None,
    replace: bool = False,
) -> GenerateSummary:
    """`generate` into `store`: the same bytes as a local run, uploaded manifests last.
    Existing complete dates raise DateExistsError before anything is generated, unless `replace`.
    The people go to a version of their own: the end date, or the end date with the first free
    `.N` suffix when the store has that version already (it is never rewritten in place)."""
    if not replace:
        existing = [day for day in date_range(end_date, days) if _has_manifest(store, day)]
        if existing:
            raise DateExistsError(f"data dates already exist in {store.uri}: {', '.join(existing)}")
    with tempfile.TemporaryDirectory(prefix="intent-generate-") as staging:
        local = Path(staging) / "dataset"
        summary = generate(
            local,
            scale=scale,
            days=days,
            end_date=end_date,
            seed=seed,
            topics=topics,
            progress=progress,
        )
        version = _own_people_version(local, store, summary.people_version)
        publish(local, store, replace=replace)
    return dataclasses.replace(summary, out=store.uri, people_version=version)


def ingest_into_store(
    store: Store,
    request: IngestRequest,
    progress: Report | None = None,
    *,
    clock: Callable[[], float] = time.time,
    unused_after: float = UNUSED_PEOPLE_SECONDS,
) -> IngestResult:
    """`ingest` one date into `store`: the checks run on a staging copy of what they read (the
    topics, every manifest, the people version the date will use); only what ingest wrote is
    uploaded, the date's manifest last. Then the people versions no date names, before or after,
    and untouched for `unused_after` seconds are removed (`remove_unused_people`)."""
    with tempfile.TemporaryDirectory(prefix="intent-ingest-") as staging:
        local = Path(staging) / "dataset"
        _stage_for_ingest(store, local, request)
        named_before = _versions_used(local)
        result = ingest(dataclasses.replace(request, dataset=local), progress)
        owner = None
        if request.people is not None:  # before anything is uploaded
            owner = _claim_version(
                store, result.people_version, request.people, request.people_version
            )
        if request.topics is not None:
            store.upload(contract.topics_path(local), TOPICS_KEY)
        if owner is not None:
            _upload_people(local, store, result.people_version)
        published = _publish_dates(local, store, [result.data_date], replace=request.replace)
        if owner is not None:
            _restore_people(local, store, result.people_version, owner)
    remove_unused_people(store, named_before, clock() - unused_after)
    return dataclasses.replace(result, manifest=published[result.data_date])


def validate_store(store: Store, dates: Iterable[str] | None = None) -> ValidationReport:
    """`validate_dataset` over a staging copy of what the check reads: the topics, the chosen
    dates (every date directory when None) and the people versions they use (all when None).
    Problems name files relative to the dataset; the report's root is the store's URI."""
    wanted = None if dates is None else sorted(set(dates))
    with tempfile.TemporaryDirectory(prefix="intent-validate-") as staging:
        local = Path(staging) / "dataset"
        local.mkdir()
        if store.info(TOPICS_KEY) is not None:
            _download(store, TOPICS_KEY, contract.topics_path(local))
        present = _stored_dates(store)
        for day in present if wanted is None else [d for d in wanted if d in present]:
            _download_date(store, day, contract.intent_dir(local, day))
        versions = _stored_versions(store)
        if wanted is not None:
            versions = sorted(set(versions) & _versions_used(local))
        for version in versions:
            _download_tree(store, _people_key(version), contract.people_dir(local, version))
        report = validate_dataset(local, wanted)
    return dataclasses.replace(report, root=store.uri)


def publish(
    local: Path,
    store: Store,
    *,
    replace: bool = False,
    clock: Callable[[], float] = time.time,
    unused_after: float = UNUSED_PEOPLE_SECONDS,
) -> None:
    """Upload the dataset directory `local` into `store`: topics, people, then each date's
    parts, and every date's manifest last. Without `replace`, a date another writer publishes
    meanwhile is not replaced: ConcurrentPublishError. Then the people versions no date names,
    before or after, and untouched for `unused_after` seconds are removed."""
    named_before = _named_versions(store)
    topics = contract.topics_path(local)
    if topics.is_file():
        store.upload(topics, TOPICS_KEY)
    for version in people_versions(local):
        _upload_people(local, store, version)
    _publish_dates(local, store, list(date_directories(local)), replace=replace)
    remove_unused_people(store, named_before, clock() - unused_after)


def remove_unused_people(store: Store, named_before: set[str], untouched_since: float) -> list[str]:
    """Remove each people version that no date's manifest names now nor named in
    `named_before` (so a version a date has just left stays until a later publish, for the runs
    that resolved the date before), and none of whose objects was written after
    `untouched_since` (epoch seconds: a writer at work, or a retry that took over its claim, is
    left alone), with its unfinished multipart uploads. The versions removed."""
    named = named_before | _named_versions(store)
    removed = []
    for version in _stored_versions(store):
        key = _people_key(version)
        if version in named or _last_write(store, key) > untouched_since:
            continue
        store.delete_tree(key)
        abort_uploads(store, key)
        removed.append(version)
    return removed


def _named_versions(store: Store) -> set[str]:
    """The people versions the manifests in `store` name."""
    named = set()
    for day in _stored_dates(store):
        version = (_stored_manifest(store, day)[0] or {}).get("peopleVersion")
        if isinstance(version, str):
            named.add(version)
    return named


def _last_write(store: Store, key: str) -> float:
    """The newest modification time, in epoch seconds, of the objects directly under `key`."""
    found = (store.info(f"{key}/{name}") for name in store.files(key))
    return max((info.mtime_ns / 1e9 for info in found if info is not None), default=0.0)


@dataclass(frozen=True)
class _StagedDate:
    """A date whose files are uploaded under `prefix`: the manifest that will publish them, the
    one it replaces (None when the store had none, or one that is not JSON) and the tag of what
    the store had (None when it had no manifest)."""

    day: str
    manifest: dict[str, object]
    previous: dict[str, object] | None
    previous_tag: str | None
    prefix: str

    @property
    def upload_key(self) -> str:
        """The key of this upload's files, removed whole when it is not published."""
        return f"{_date_key(self.day)}/{self.prefix}"


def _publish_dates(
    local: Path, store: Store, dates: list[str], *, replace: bool
) -> dict[str, dict[str, object]]:
    """Each date's files but its manifest, then the manifests, then the files no manifest needs
    any more; the manifests as published, by date. A date that is not complete on disk is
    neither uploaded nor touched in the store.

    Every upload of a date goes under a fresh `v-<id>/` prefix, beside what the store has, and
    the manifest naming those files is written only if the stored one is still the one this
    publish read (a conditional write; without `replace`, only if the date is still absent): a
    date is never absent or mixed for a reader, who follows the manifest it read, and of two
    writers publishing one date at once (first publishes included) one publishes and the other
    removes its upload and raises ConcurrentPublishError. After the switch, what was under the
    date before it and neither the new manifest nor the one it replaced names (the version before
    that, the leftovers of a killed publish, their unfinished multipart uploads) is removed;
    objects that appeared since, such as the upload of a writer that read the new manifest, are
    not touched."""
    staged: list[_StagedDate | None] = []
    try:
        for day in dates:
            staged.append(_stage_date(local, store, day, replace=replace))
    except BaseException:  # the dates uploaded before the failure are not published either
        for date_files in (d for d in staged if d is not None):
            with contextlib.suppress(OSError, StorageError):
                store.delete_tree(date_files.upload_key)
        raise
    published, lost = {}, []
    for date_files in (d for d in staged if d is not None):
        key = _date_key(date_files.day)
        before = _object_names(store, key), open_uploads(store, key)
        if not _write_manifest(store, date_files):
            lost.append(date_files)
            continue
        published[date_files.day] = date_files.manifest
        _remove_unlisted(store, date_files, *before)
    for date_files in lost:
        store.delete_tree(date_files.upload_key)
    if lost:
        days = ", ".join(d.day for d in lost)
        raise ConcurrentPublishError(
            f"data dates {days} in {store.uri} were published by another writer while this one "
            "uploaded them; this upload of them was not published (the other stands): check "
            "them, and repeat with replace to publish these files instead"
        )
    return published


def _stage_date(local: Path, store: Store, day: str, *, replace: bool) -> _StagedDate | None:
    """Upload one date's files but its manifest under a fresh prefix; None when the date is not
    complete on disk. An upload that fails removes what it sent."""
    key, directory = _date_key(day), contract.intent_dir(local, day)
    manifest = _parsed(contract.manifest_path(local, day))
    if manifest is None:
        return None
    previous, tag = _stored_manifest(store, day)
    if previous is not None and not replace:  # absent when the caller checked: create it or fail
        previous, tag = None, None
    prefix = f"{UPLOAD_PREFIX}{uuid.uuid4().hex[:12]}/"
    try:
        for path in _files(directory):
            if path.name != contract.MANIFEST_NAME:
                store.upload(path, f"{key}/{prefix}{path.relative_to(directory).as_posix()}")
    except BaseException:
        with contextlib.suppress(OSError, StorageError):
            store.delete_tree(f"{key}/{prefix}")
        raise
    return _StagedDate(day, relocated(manifest, prefix), previous, tag, prefix)


def _write_manifest(store: Store, date_files: _StagedDate) -> bool:
    """Publish the date; False when the stored manifest is no longer the one staging read."""
    key = f"{_date_key(date_files.day)}/{contract.MANIFEST_NAME}"
    data = (json.dumps(date_files.manifest, indent=2) + "\n").encode()
    return store.write_bytes_if(key, data, date_files.previous_tag)


def _remove_unlisted(
    store: Store, date_files: _StagedDate, names: list[str], uploads: list[Upload]
) -> None:
    """Remove, of `names` and `uploads` (found before the new manifest was written), what
    neither the new manifest nor the one it replaced names."""
    keep = {contract.MANIFEST_NAME}
    for document in (date_files.manifest, date_files.previous):
        keep |= listed_paths(document or {})
    key = _date_key(date_files.day)
    for name in names:
        if name not in keep:
            store.delete_tree(f"{key}/{name}")
    abort(store, key, uploads)  # a killed writer's unfinished parts (on S3: kept, and billed)


def relocated(manifest: dict[str, object], prefix: str) -> dict[str, object]:
    """`manifest` with `prefix` before the path of every file it lists."""
    moved = copy.deepcopy(manifest)
    for entry in _entries(moved):
        entry["path"] = f"{prefix}{entry['path']}"
    return moved


def listed_paths(manifest: dict[str, object]) -> set[str]:
    """The paths, relative to the date, of every file a manifest lists."""
    return {str(entry["path"]) for entry in _entries(manifest)}


def _entries(manifest: dict[str, object]) -> list[dict[str, object]]:
    files = manifest.get("files")
    found = [*files] if isinstance(files, list) else []
    found.append(manifest.get(topic_stats.MANIFEST_KEY))
    return [e for e in found if isinstance(e, dict) and isinstance(e.get("path"), str)]


def _stored_manifest(store: Store, day: str) -> tuple[dict[str, object] | None, str | None]:
    """The date's manifest in the store and its tag; (None, None) when it is absent, and
    (None, tag) when it is not a JSON object."""
    found = store.read_tagged(f"{_date_key(day)}/{contract.MANIFEST_NAME}")
    if found is None:
        return None, None
    return _document(found[0]), found[1]


def _parsed(path: Path) -> dict[str, object] | None:
    return _document(path.read_bytes()) if path.is_file() else None


def _document(raw: bytes) -> dict[str, object] | None:
    try:
        document = json.loads(raw)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _upload_people(local: Path, store: Store, version: str) -> None:
    """A people version's parts; parts of an earlier upload that this one lacks are removed."""
    directory, key = contract.people_dir(local, version), _people_key(version)
    names = {CLAIM_NAME}
    for path in _files(directory):
        names.add(path.name)
        store.upload(path, f"{key}/{path.name}")
    for stale in set(store.files(key)) - names:
        store.delete_tree(f"{key}/{stale}")


def _own_people_version(local: Path, store: Store, version: str) -> str:
    """Claim `version`, or the first `version.N` the store has not got, for the people of the
    generated dataset `local`; a name other than `version` is given to its directory and to
    every date manifest that names it. The version claimed."""
    stored, name, suffix = set(_stored_versions(store)), version, 1
    while name in stored or not _claimed(store, name, uuid.uuid4().hex.encode()):
        suffix += 1
        name = f"{version}.{suffix}"
    if name != version:
        contract.people_dir(local, version).rename(contract.people_dir(local, name))
        for day in date_directories(local):
            path = contract.manifest_path(local, day)
            manifest = json.loads(path.read_bytes())
            manifest["peopleVersion"] = name
            path.write_text(json.dumps(manifest, indent=2) + "\n")
    return name


def _claimed(store: Store, version: str, owner: bytes) -> bool:
    return store.write_bytes_if(_claim_key(version), owner, None)


def _claim_key(version: str) -> str:
    return f"{_people_key(version)}/{CLAIM_NAME}"


def _claim_version(store: Store, version: str, people: Path, named: str | None) -> bytes:
    """Make the people version this ingest's, or raise ConcurrentPublishError when another
    ingest claimed it first. A claim for the same people file is this ingest's own, left by an
    earlier try that did not finish: the retry goes on. `named`: the version the request named
    (None: ingest chose a new one). What the claim holds."""
    owner = _people_digest(people)
    if _claimed(store, version, owner):
        return owner
    if store.read_bytes(_claim_key(version)) == owner:
        store.write_bytes(_claim_key(version), owner)  # fresh again: not a leftover to remove
        return owner
    if named is None:
        raise ConcurrentPublishError(
            f"people version {version} in {store.uri} was created by another ingest while this "
            "one prepared it; nothing of this ingest was published: repeat it (it will name "
            "the next free version)"
        )
    raise ConcurrentPublishError(
        f"--people-version {named}: {store.uri} holds other people under that version, from "
        "an ingest running now or one that did not finish; nothing of this ingest was "
        "published: choose another --people-version"
    )


def _restore_people(local: Path, store: Store, version: str, owner: bytes) -> None:
    """Upload again what of the people version this ingest has just published is missing: a
    writer that found the version unused (the claim of a killed try untouched for a day, read
    before this retry refreshed it) removes it once, and its removal may land while this ingest
    uploads. Nothing is uploaded when all is there."""
    directory, key = contract.people_dir(local, version), _people_key(version)
    present = set(store.files(key))
    for path in _files(directory):
        if path.name not in present:
            store.upload(path, f"{key}/{path.name}")
    if CLAIM_NAME not in present:
        store.write_bytes(_claim_key(version), owner)


def _people_digest(people: Path) -> bytes:
    with people.open("rb") as source:
        return f"sha256:{hashlib.file_digest(source, 'sha256').hexdigest()}".encode()


def _stage_for_ingest(store: Store, local: Path, request: IngestRequest) -> None:
    """What ingest reads of the dataset: topics, manifests, the names of every people version
    and the parts of the version the date will use when no people are given."""
    local.mkdir(parents=True)
    if store.info(TOPICS_KEY) is not None:
        _download(store, TOPICS_KEY, contract.topics_path(local))
    for day in _stored_dates(store):
        key = f"{_date_key(day)}/{contract.MANIFEST_NAME}"
        if store.info(key) is not None:
            _download(store, key, contract.manifest_path(local, day))
    stored = _stored_versions(store)
    for version in stored:
        contract.people_dir(local, version).mkdir(parents=True)
    used = request.people_version or _default_version(local)
    if request.people is None and used in stored:
        _download_tree(store, _people_key(used), contract.people_dir(local, used))


def _default_version(local: Path) -> str | None:
    catalog = DatasetCatalog(local)
    latest = catalog.latest_complete_date()
    if latest is not None:
        return catalog.people_version(latest)
    versions = list(people_versions(local))
    return versions[-1] if versions else None


def _versions_used(local: Path) -> set[str]:
    used = set()
    for directory in date_directories(local).values():
        manifest = directory / contract.MANIFEST_NAME
        try:
            version = json.loads(manifest.read_bytes()).get("peopleVersion")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(version, str):
            used.add(version)
    return used


def _has_manifest(store: Store, day: str) -> bool:
    return store.info(f"{_date_key(day)}/{contract.MANIFEST_NAME}") is not None


def _stored_dates(store: Store) -> list[str]:
    return [m.group(1) for m in map(DATE_DIR.fullmatch, store.children("intent")) if m]


def _stored_versions(store: Store) -> list[str]:
    return [m.group(1) for m in map(VERSION_DIR.fullmatch, store.children("people")) if m]


def _date_key(day: str) -> str:
    return f"intent/data_date={day}"


def _people_key(version: str) -> str:
    return f"people/version={version}"


def _files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def _download_tree(store: Store, key: str, target: Path) -> None:
    """Every object under `key` to the same relative paths under `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in _object_names(store, key):
        _download(store, f"{key}/{name}", target / name)


def _object_names(store: Store, key: str) -> list[str]:
    """The paths, relative to `key`, of every object under it (at any depth)."""
    root = store.locate(key)
    selector = pafs.FileSelector(root, recursive=True, allow_not_found=True)
    store.note_request("list")
    found = store.filesystem.get_file_info(selector)
    return sorted(
        entry.path.removeprefix(root).lstrip("/")
        for entry in found
        if entry.type == pafs.FileType.File
    )


def _download_date(store: Store, day: str, target: Path) -> None:
    """A date's manifest and the files it lists, not those of a version it replaced; every
    object of a date without a readable manifest. A listed file that is missing, or whose path
    leaves the date, is left for the validator to report."""
    key = _date_key(day)
    try:
        raw = store.read_bytes(f"{key}/{contract.MANIFEST_NAME}")
    except FileNotFoundError:
        raw = b""
    manifest = _document(raw)
    if manifest is None:
        _download_tree(store, key, target)
        return
    target.mkdir(parents=True, exist_ok=True)
    (target / contract.MANIFEST_NAME).write_bytes(raw)
    for name in sorted(listed_paths(manifest)):
        inside = not Path(name).is_absolute() and ".." not in Path(name).parts
        if inside and store.info(f"{key}/{name}") is not None:
            _download(store, f"{key}/{name}", target / name)


def _download(store: Store, key: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    pafs.copy_files(
        store.locate(key),
        target.as_posix(),
        source_filesystem=store.filesystem,
        destination_filesystem=pafs.LocalFileSystem(),
    )
