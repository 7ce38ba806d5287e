"""Builders of small intent datasets and audience configs for the engine tests.

Everything is generated in the test: people, topics and intent rows written as parquet with the
dataset contract's schemas, intent sorted by topic then score descending as the contract says.
"""

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from data.contract import INTENT_SCHEMA, PEOPLE_SCHEMA, PEOPLE_TEXT_COLUMNS, TOPICS_SCHEMA
from engine.config import AudienceConfig
from engine.config_filters import Filter
from engine.schema import MaterializeInput

DATE = "2024-06-01"
Intent = tuple[int, int, int]  # (person_id, topic_id, score)


def hashed(person_id: int) -> str:
    return hashlib.sha256(f"person-{person_id}@example.com".encode()).hexdigest()


def person(person_id: int, **fields: Any) -> dict[str, Any]:
    """A people row: every text column null except the hashed email, then `fields`."""
    row: dict[str, Any] = dict.fromkeys(PEOPLE_TEXT_COLUMNS)
    row.update(person_id=person_id, hashed_email=hashed(person_id))
    unknown = set(fields) - set(row)
    assert not unknown, f"not people columns: {unknown}"
    row.update(fields)
    return row


def topic(topic_id: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "topic_id": topic_id, "name": f"Topic {topic_id}", "type": "b2b",
        "industry": "software", "category": f"category {topic_id % 3}", "keywords": ["k"],
    }  # fmt: skip
    row.update(fields)
    return row


DEFAULT_TOPICS = tuple(topic(topic_id) for topic_id in range(1, 6))


def write_dataset(
    root: Path,
    people: Sequence[dict[str, Any]],
    intent: Iterable[Intent],
    topics: Sequence[dict[str, Any]] = DEFAULT_TOPICS,
    *,
    intent_parts: int = 2,
) -> MaterializeInput:
    """Writes the dataset under `root` and returns the engine's view of its one date."""
    root.mkdir(parents=True, exist_ok=True)
    topics_file = root / "topics.parquet"
    pq.write_table(pa.Table.from_pylist(list(topics), schema=TOPICS_SCHEMA), topics_file)
    people_files = _write_parts(root / "people", _people_table(people), 2)
    intent_files = _write_parts(root / "intent", _intent_table(intent), intent_parts)
    return MaterializeInput(DATE, intent_files, people_files, str(topics_file))


def _people_table(people: Sequence[dict[str, Any]]) -> pa.Table:
    table = pa.Table.from_pylist(list(people), schema=PEOPLE_SCHEMA)
    keys = [("company_industry", "ascending"), ("seniority", "ascending")]
    return table.sort_by([*keys, ("person_id", "ascending")])


def _intent_table(intent: Iterable[Intent]) -> pa.Table:
    rows = [{"person_id": p, "topic_id": t, "score": s} for p, t, s in intent]
    table = pa.Table.from_pylist(rows, schema=INTENT_SCHEMA)
    return table.sort_by([("topic_id", "ascending"), ("score", "descending")])


def _write_parts(directory: Path, table: pa.Table, parts: int) -> tuple[str, ...]:
    """`table` split into `parts` files (none for an empty table), small row groups."""
    if table.num_rows == 0:
        return ()
    directory.mkdir(exist_ok=True)
    size = -(-table.num_rows // parts)
    files = []
    for index, start in enumerate(range(0, table.num_rows, size)):
        path = directory / f"part-{index:05d}.parquet"
        pq.write_table(table.slice(start, size), path, row_group_size=4)
        files.append(str(path))
    return tuple(files)


def config(
    topic_ids: Sequence[int] = (1,),
    *filters: Filter,
    min_score: int = 50,
    max_score: int = 99,
    overlap: int = 1,
) -> AudienceConfig:
    """A normalized config; filters are sorted by key as the parser leaves them."""
    ordered = tuple(sorted(filters, key=lambda f: f.key))
    return AudienceConfig(tuple(sorted(topic_ids)), min_score, max_score, overlap, ordered)
