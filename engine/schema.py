"""The materialization seam: input file lists and the result table schema (DESIGN section 5).

The engine never knows the dataset's directory layout; the data layer resolves a data date into a
`MaterializeInput` of file paths, local or inside an object store's filesystem.
"""

from dataclasses import dataclass, field
from typing import Final

import pyarrow as pa
import pyarrow.fs as pafs


@dataclass(frozen=True)
class ObjectStore:
    """How a reader with its own object-store client (Polars) reaches paths inside an object
    store's filesystem: what is put before each path to make its URL, and the client's options."""

    url_prefix: str  # "s3://": the path "bucket/key" is read as "s3://bucket/key"
    # Polars' `storage_options` (aws_endpoint_url, the keys, ...): kept out of the repr, which
    # logs and tracebacks may show.
    options: tuple[tuple[str, str], ...] = field(repr=False)

    def url(self, path: str) -> str:
        return f"{self.url_prefix}{path}"


@dataclass(frozen=True)
class MaterializeInput:
    data_date: str  # YYYY-MM-DD
    intent_files: tuple[str, ...]  # that date's intent parquet files (may be empty)
    people_files: tuple[str, ...]
    topics_file: str
    # None: local paths, read by each backend's own reader. Otherwise paths inside this filesystem
    # (an object store), read through pyarrow datasets that keep row-group pruning.
    filesystem: pafs.FileSystem | None = None
    # The same object store for a backend's own client (Polars' reader decodes only the rows
    # its predicate keeps, where a pyarrow dataset decodes whole row groups); None: none.
    object_store: ObjectStore | None = None


MATCHED_TOPIC: Final = pa.struct(
    [
        ("topicId", pa.int32()),
        ("topicName", pa.string()),
        ("type", pa.string()),
        ("industry", pa.string()),
        ("category", pa.string()),
        ("score", pa.int8()),
    ]
)

RESULT_SCHEMA: Final = pa.schema(
    [
        ("rank", pa.int64()),
        ("personId", pa.int64()),
        ("hashedEmail", pa.string()),
        ("firstName", pa.string()),
        ("lastName", pa.string()),
        ("fullName", pa.string()),
        ("businessEmail", pa.string()),
        ("personalEmail", pa.string()),
        ("email", pa.string()),
        ("primaryContactEmail", pa.string()),
        ("phone", pa.string()),
        ("linkedinUrl", pa.string()),
        ("headline", pa.string()),
        ("jobTitle", pa.string()),
        ("seniority", pa.string()),
        ("department", pa.string()),
        (
            "company",
            pa.struct(
                [
                    ("name", pa.string()),
                    ("domain", pa.string()),
                    ("industry", pa.string()),
                    ("industryGroup", pa.string()),
                    ("size", pa.string()),
                    ("revenueRange", pa.string()),
                ]
            ),
        ),
        (
            "location",
            pa.struct([("city", pa.string()), ("state", pa.string()), ("country", pa.string())]),
        ),
        ("demographics", pa.struct([("ageRange", pa.string()), ("gender", pa.string())])),
        (
            "intent",
            pa.struct(
                [
                    ("score", pa.int8()),
                    ("topicOverlap", pa.int16()),
                    ("matchedTopics", pa.list_(MATCHED_TOPIC)),
                ]
            ),
        ),
    ]
)


@dataclass
class MaterializeResult:
    """Results in rank order (RESULT_SCHEMA), the candidate count and stage timings in seconds."""

    table: pa.Table
    candidate_count: int
    backend: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def result_count(self) -> int:
        return int(self.table.num_rows)
