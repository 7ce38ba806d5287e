"""Result tables for tests: hand-made rows and generated RESULT_SCHEMA tables of any size."""

import hashlib
from typing import Any

import numpy as np
import pyarrow as pa

from engine.schema import MATCHED_TOPIC, RESULT_SCHEMA, MaterializeResult


def make_row(rank: int = 1, **overrides: Any) -> dict[str, Any]:
    """One result row (nested, as stored); top-level keys can be overridden."""
    row: dict[str, Any] = {
        "rank": rank,
        "personId": 1000 + rank,
        "hashedEmail": hashlib.sha256(f"person-{rank}".encode()).hexdigest(),
        "firstName": "Ada",
        "lastName": "Lovelace",
        "fullName": "Ada Lovelace",
        "businessEmail": "ada@example.com",
        "personalEmail": None,
        "email": "ada@example.com",
        "primaryContactEmail": "ada@example.com",
        "phone": None,
        "linkedinUrl": "https://linkedin.com/in/ada",
        "headline": "Analyst",
        "jobTitle": "chief analyst",
        "seniority": "c_suite",
        "department": "research",
        "company": {
            "name": "engines ltd",
            "domain": "engines.example",
            "industry": "software",
            "industryGroup": "technology",
            "size": "11-50",
            "revenueRange": "under 1 million",
        },
        "location": {"city": "london", "state": None, "country": "united kingdom"},
        "demographics": {"ageRange": "35-44", "gender": "female"},
        "intent": {
            "score": 91,
            "topicOverlap": 1,
            "matchedTopics": [make_topic(7, 91)],
        },
    }
    row.update(overrides)
    return row


def make_topic(topic_id: int, score: int) -> dict[str, Any]:
    return {
        "topicId": topic_id,
        "topicName": f"topic {topic_id}",
        "type": "b2b",
        "industry": "software",
        "category": "tools",
        "score": score,
    }


def table_of(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)


def make_result(table: pa.Table, candidates: int | None = None) -> MaterializeResult:
    count = table.num_rows if candidates is None else candidates
    return MaterializeResult(table, count, "duckdb", {"match": 0.01, "hydrate": 0.02})


_WORDS = np.array(
    ["alpha", "=sum(a1)", "beta, inc", 'say "hi"', "line\nbreak", "müller", "-minus", "zeta"],
    dtype=object,
)
_SENIORITIES = np.array(["c_suite", "vp", "director", "manager", "entry"], dtype=object)
_COUNTRIES = np.array(["united states", "germany", "france", "japan"], dtype=object)


def _text(rng: np.random.Generator, n: int, pool: np.ndarray, fill: float = 0.7) -> pa.Array:
    values = pool[rng.integers(0, len(pool), n)]
    return pa.array(values, pa.string(), mask=rng.random(n) > fill)


def _matched_topics(rng: np.random.Generator, n: int) -> tuple[pa.Array, np.ndarray]:
    counts = rng.integers(1, 4, n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    total = int(offsets[-1])
    scores = rng.integers(50, 100, total).astype(np.int8)
    ids = rng.integers(1, 500, total).astype(np.int32)
    names = pa.array([f"topic {i}" for i in ids], pa.string())
    fixed = [pa.array(np.full(total, v, dtype=object), pa.string()) for v in ("b2b", "it", "tools")]
    topics = pa.StructArray.from_arrays(
        [pa.array(ids), names, *fixed, pa.array(scores)], fields=list(MATCHED_TOPIC)
    )
    return pa.ListArray.from_arrays(pa.array(offsets), topics), counts


def result_table(n: int, seed: int = 0) -> pa.Table:
    """`n` generated rows in rank order with nulls, commas, quotes, newlines and formula text."""
    rng = np.random.default_rng(seed)
    matched, counts = _matched_topics(rng, n)
    text = [_text(rng, n, _WORDS) for _ in range(11)]  # firstName .. jobTitle
    company = [_text(rng, n, _WORDS) for _ in range(6)]
    place = [_text(rng, n, _WORDS), _text(rng, n, _WORDS), _text(rng, n, _COUNTRIES, 0.9)]
    schema_of = {f.name: f.type for f in RESULT_SCHEMA}
    columns = [
        pa.array(np.arange(1, n + 1)),
        pa.array(np.arange(n) * 7 + 3),
        pa.array([hashlib.sha256(b"%d" % i).hexdigest() for i in range(n)], pa.string()),
        *text,
        _text(rng, n, _SENIORITIES, 0.8),
        _text(rng, n, _WORDS),
        pa.StructArray.from_arrays(company, fields=list(schema_of["company"])),
        pa.StructArray.from_arrays(place, fields=list(schema_of["location"])),
        pa.StructArray.from_arrays(
            [_text(rng, n, _WORDS), _text(rng, n, _WORDS)], fields=list(schema_of["demographics"])
        ),
        pa.StructArray.from_arrays(
            [
                pa.array(rng.integers(50, 100, n).astype(np.int8)),
                pa.array(counts.astype(np.int16)),
                matched,
            ],
            fields=list(schema_of["intent"]),
        ),
    ]
    return pa.Table.from_arrays(columns, schema=RESULT_SCHEMA)
