"""Writing and checking a dataset kept in a `Store` (an object store prefix) through a local
staging copy: the generator, ingest and the validator work on a directory, and what they wrote is
uploaded in the order that keeps it invisible until whole.

Publishing order: topics, then people versions, then every date's part files, then each date's
`_manifest.json` last, so a reader of the store sees a date complete or not at all (a date without
its manifest does not exist). A date that is replaced loses its manifest first.
"""

import dataclasses
import json
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow.fs as pafs

from data import contract
from data.catalog import DATE_DIR, VERSION_DIR, DatasetCatalog, date_directories, people_versions
from data.errors import DateExistsError
from data.generator.progress import Report
from data.generator.run import DEFAULT_TOPICS, GenerateSummary, date_range, generate
from data.ingest import IngestRequest, IngestResult, ingest
from data.storage import Store
from data.validation import ValidationReport, validate_dataset

TOPICS_KEY = "topics.parquet"


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
    Existing complete dates raise DateExistsError before anything is generated, unless `replace`."""
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
        publish(local, store)
    return dataclasses.replace(summary, out=store.uri)


def ingest_into_store(
    store: Store, request: IngestRequest, progress: Report | None = None
) -> IngestResult:
    """`ingest` one date into `store`: the checks run on a staging copy of what they read (the
    topics, every manifest, the people version the date will use); only what ingest wrote is
    uploaded, the date's manifest last."""
    with tempfile.TemporaryDirectory(prefix="intent-ingest-") as staging:
        local = Path(staging) / "dataset"
        _stage_for_ingest(store, local, request)
        result = ingest(dataclasses.replace(request, dataset=local), progress)
        if request.topics is not None:
            store.upload(contract.topics_path(local), TOPICS_KEY)
        if request.people is not None:
            _upload_people(local, store, result.people_version)
        _publish_dates(local, store, [result.data_date])
    return result


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
            _download_tree(store, _date_key(day), contract.intent_dir(local, day))
        versions = _stored_versions(store)
        if wanted is not None:
            versions = sorted(set(versions) & _versions_used(local))
        for version in versions:
            _download_tree(store, _people_key(version), contract.people_dir(local, version))
        report = validate_dataset(local, wanted)
    return dataclasses.replace(report, root=store.uri)


def publish(local: Path, store: Store) -> None:
    """Upload the dataset directory `local` into `store`: topics, people, then each date's
    parts, and every date's manifest last."""
    topics = contract.topics_path(local)
    if topics.is_file():
        store.upload(topics, TOPICS_KEY)
    for version in people_versions(local):
        _upload_people(local, store, version)
    _publish_dates(local, store, list(date_directories(local)))


def _publish_dates(local: Path, store: Store, dates: list[str]) -> None:
    """Each date's files but its manifest, then the manifests. A date already in the store is
    first made invisible (manifest deleted), then emptied, so no part of two versions mixes."""
    for day in dates:
        key = _date_key(day)
        if store.info(f"{key}/{contract.MANIFEST_NAME}") is not None:
            store.delete_tree(f"{key}/{contract.MANIFEST_NAME}")
        store.delete_tree(key)
        directory = contract.intent_dir(local, day)
        for path in _files(directory):
            if path.name != contract.MANIFEST_NAME:
                store.upload(path, f"{key}/{path.relative_to(directory).as_posix()}")
    for day in dates:
        manifest = contract.manifest_path(local, day)
        if manifest.is_file():
            store.upload(manifest, f"{_date_key(day)}/{contract.MANIFEST_NAME}")


def _upload_people(local: Path, store: Store, version: str) -> None:
    """A people version's parts; parts of an earlier upload that this one lacks are removed."""
    directory, key = contract.people_dir(local, version), _people_key(version)
    names = set()
    for path in _files(directory):
        names.add(path.name)
        store.upload(path, f"{key}/{path.name}")
    for stale in set(store.files(key)) - names:
        store.delete_tree(f"{key}/{stale}")


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
    selector = pafs.FileSelector(store.locate(key), recursive=True, allow_not_found=True)
    root = store.locate(key)
    for entry in store.filesystem.get_file_info(selector):
        if entry.type == pafs.FileType.File:
            relative = entry.path.removeprefix(root).lstrip("/")
            _copy(store, entry.path, target / relative)


def _download(store: Store, key: str, target: Path) -> None:
    _copy(store, store.locate(key), target)


def _copy(store: Store, path: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    pafs.copy_files(
        path,
        target.as_posix(),
        source_filesystem=store.filesystem,
        destination_filesystem=pafs.LocalFileSystem(),
    )
