"""The per-date topic table: each topic's audience, signals, average score and score tiers.

Computed once per data date from its intent rows (when the date is written, or later by
`intent data index`), stored beside the intent files and listed in the date's manifest.
"""

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from data import contract
from data.catalog import DatasetCatalog
from data.errors import DatasetError

FILE_NAME: Final = "_topic_stats.parquet"
MANIFEST_KEY: Final = "topicStats"
AUDIENCE_MIN: Final = 50  # a person is in a topic's audience from this score on
TIERS: Final = {"low": (50, 70), "medium": (70, 90), "high": (90, 100)}  # [from, to) scores
SCORE_BINS: Final = 128  # a score histogram per topic; valid scores are 0-99
CHUNK_ROWS: Final = 1 << 23  # rows per histogram step: bounds the scratch arrays
DENSE_SPAN: Final = 1 << 16  # topic id spans up to this are counted by offset, wider by lookup

SCHEMA: Final = pa.schema(
    [
        pa.field("topic_id", pa.int32(), nullable=False),
        pa.field("total_signals", pa.int64(), nullable=False),
        pa.field("unique_audience", pa.int64(), nullable=False),
        pa.field("audience_score_sum", pa.int64(), nullable=False),  # of scores >= 50
        pa.field("high_audience", pa.int64(), nullable=False),
        pa.field("medium_audience", pa.int64(), nullable=False),
        pa.field("low_audience", pa.int64(), nullable=False),
    ]
)


def compute(intent: pa.Table | Iterable[pa.RecordBatch]) -> pa.Table:
    """The topic table of one date's intent rows (any order): one row per topic that has rows."""
    batches = intent.to_batches() if isinstance(intent, pa.Table) else intent
    ids: list[np.ndarray] = []
    histograms: list[np.ndarray] = []
    for topic, score in _chunks(batches):
        found, histogram = _histogram(topic, score)
        ids.append(found)
        histograms.append(histogram)
    if not ids:
        return SCHEMA.empty_table()
    return _table(*_merge(ids, histograms))


def _chunks(batches: Iterable[pa.RecordBatch]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(topic ids, scores) in pieces of about CHUNK_ROWS rows: small batches are joined, since
    each piece costs a histogram of its topic span besides its rows."""
    topics: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    rows = 0
    for batch in batches:
        for start in range(0, batch.num_rows, CHUNK_ROWS):
            piece = batch.slice(start, CHUNK_ROWS)
            topics.append(piece.column("topic_id").to_numpy(zero_copy_only=False))
            scores.append(piece.column("score").to_numpy(zero_copy_only=False))
            rows += piece.num_rows
            if rows >= CHUNK_ROWS:
                yield np.concatenate(topics), np.concatenate(scores)
                topics, scores, rows = [], [], 0
    if rows:
        yield np.concatenate(topics), np.concatenate(scores)


def _histogram(topic: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(topic ids, their score histograms) of one chunk; scores outside 0-127 land in a bin
    no tier reads, so they count as signals only."""
    bins = score.astype(np.uint8) & (SCORE_BINS - 1)
    low, high = int(topic.min()), int(topic.max())
    if high - low < DENSE_SPAN:
        position = topic.astype(np.int64) - low
        ids = np.arange(low, high + 1, dtype=np.int64)
    else:
        ids, inverse = np.unique(topic, return_inverse=True)
        position = inverse.astype(np.int64)
    position <<= 7
    position |= bins
    counts = np.bincount(position, minlength=len(ids) * SCORE_BINS)
    histogram = counts.reshape(len(ids), SCORE_BINS)
    present = histogram.any(axis=1)
    return ids[present], histogram[present]


def _merge(ids: list[np.ndarray], histograms: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct topic id (ascending), the sum of its chunk histograms."""
    every = np.concatenate(ids)
    stacked = np.concatenate(histograms)
    if np.any(every[1:] < every[:-1]):  # chunks of a table sorted by topic come in order
        order = np.argsort(every, kind="stable")
        every, stacked = every[order], stacked[order]
    starts = np.flatnonzero(np.concatenate([[True], every[1:] != every[:-1]]))
    if len(starts) == len(every):
        return every, stacked
    return every[starts], np.add.reduceat(stacked, starts, axis=0)


def _table(ids: np.ndarray, histogram: np.ndarray) -> pa.Table:
    audience = histogram[:, AUDIENCE_MIN:100]
    columns = {
        "topic_id": ids.astype(np.int32),
        "total_signals": histogram.sum(axis=1),
        "unique_audience": audience.sum(axis=1),
        "audience_score_sum": audience @ np.arange(AUDIENCE_MIN, 100, dtype=np.int64),
    }
    for name, (start, stop) in TIERS.items():
        columns[f"{name}_audience"] = histogram[:, start:stop].sum(axis=1)
    return pa.table({name: pa.array(values) for name, values in columns.items()}, schema=SCHEMA)


def average_score(score_sum: int, audience: int) -> float:
    """Mean audience score to 2 decimals, halves rounded up, exactly (0 for no audience)."""
    if audience <= 0:
        return 0.0
    cents = (score_sum * 200 + audience) // (2 * audience)
    return cents / 100


def write(directory: Path, stats: pa.Table) -> dict[str, object]:
    """Write the table into a date directory (staging or published); its manifest entry.

    Written under a temporary name and renamed, so a listed file is never seen half-written.
    """
    path = directory / FILE_NAME
    staging = directory / f".{FILE_NAME}.{uuid.uuid4().hex}"
    try:
        pq.write_table(stats, staging, compression="zstd", row_group_size=max(len(stats), 1))
        digest = _fsynced_sha256(staging)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return {"path": FILE_NAME, "rows": len(stats), "bytes": path.stat().st_size, "sha256": digest}


def _fsynced_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
        os.fsync(handle.fileno())
    return digest.hexdigest()


def read(path: Path) -> pa.Table:
    """A topic table file, checked against the schema; DatasetError names the file."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DatasetError(f"{path}: cannot read the topic table: {exc}") from exc
    missing = [name for name in SCHEMA.names if name not in table.column_names]
    if missing:
        raise DatasetError(f"{path}: the topic table lacks {', '.join(missing)}")
    return table.select(SCHEMA.names).cast(SCHEMA)


def listed_path(root: Path, data_date: str, manifest: dict[str, object]) -> Path | None:
    """The topic table a manifest lists, or None for a date written before it existed."""
    entry = manifest.get(MANIFEST_KEY)
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return None
    return contract.intent_dir(root, data_date) / str(entry["path"])


def index_dataset(root: Path, *, rebuild: bool = False) -> list[str]:
    """Build the topic table of every complete date that lacks one (every date with `rebuild`);
    the dates indexed, oldest first. The manifest is replaced atomically after the file."""
    catalog = DatasetCatalog(root)
    done = []
    for data_date in catalog.complete_dates():
        manifest = catalog.manifest(data_date)
        if listed_path(catalog.root, data_date, manifest) is not None and not rebuild:
            continue
        files = catalog.resolve(data_date).intent_files
        stats = compute(_read_batches(files))
        directory = contract.intent_dir(catalog.root, data_date)
        manifest[MANIFEST_KEY] = write(directory, stats)
        _replace_json(directory / contract.MANIFEST_NAME, manifest)
        done.append(data_date)
    return done


def _read_batches(files: Iterable[str]) -> Iterator[pa.RecordBatch]:
    for name in files:
        yield from pq.ParquetFile(name).iter_batches(columns=["topic_id", "score"])


def _replace_json(path: Path, document: dict[str, object]) -> None:
    staging = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    try:
        staging.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        _fsynced_sha256(staging)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
