"""The dataset that `intent serve` and `intent demo` need before they start: present, or (when
asked) a small deterministic one generated in place."""

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Final

import pyarrow.compute as pc
import pyarrow.parquet as pq

from cli.errors import CliError
from data.catalog import DatasetCatalog
from data.generator import generate

# Small enough to generate in seconds, large enough for realistic counts and fill rates.
DEMO_SCALE: Final = 0.01
DEMO_DAYS: Final = 3
DEMO_TOPICS: Final = 2000
DEMO_SEED: Final = 42
DEMO_END_DATE: Final = date(2026, 11, 27)  # fixed, so every demo dataset is the same


def has_dataset(dataset: Path) -> bool:
    return DatasetCatalog(dataset).latest_complete_date() is not None


def ensure_dataset(dataset: Path, *, generate_missing: bool, echo: Callable[[str], None]) -> None:
    """Nothing when `dataset` has a complete date; else generate one or say how to."""
    if has_dataset(dataset):
        return
    if not generate_missing:
        raise CliError(missing_dataset_message(dataset), exit_code=1)
    echo(f"generating a small dataset in {dataset} (scale {DEMO_SCALE}, {DEMO_DAYS} days)...")
    started = time.monotonic()
    generate(
        dataset,
        scale=DEMO_SCALE,
        days=DEMO_DAYS,
        end_date=DEMO_END_DATE,
        seed=DEMO_SEED,
        topics=DEMO_TOPICS,
    )
    echo(f"dataset ready in {time.monotonic() - started:.1f} s")


def popular_topics(dataset: Path, count: int) -> list[int]:
    """The `count` topics with the most people on the latest complete date, most first."""
    catalog = DatasetCatalog(dataset)
    latest = catalog.latest_complete_date()
    if latest is None:
        raise CliError(missing_dataset_message(dataset), exit_code=1)
    files = catalog.resolve(latest).intent_files
    counts = pc.value_counts(pq.read_table(list(files), columns=["topic_id"])["topic_id"])
    order = pc.array_sort_indices(counts.field("counts"), order="descending")  # stable: ties by id
    return [int(topic) for topic in counts.field("values").take(order[:count]).to_pylist()]


def missing_dataset_message(dataset: Path) -> str:
    return (
        f"no intent dataset with a complete data date in {dataset}\n"
        f"  generate one:   intent data generate --out {dataset} --scale {DEMO_SCALE}\n"
        "  or point INTENT_DATASET at your own (see `intent data ingest --help`),\n"
        "  or start with `intent serve --demo-data` to generate a small one"
    )
