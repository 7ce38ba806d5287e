"""The intent dataset contract (DESIGN section 2): layout, Arrow schemas and the date manifest.

Defined once here; the generator, validator, ingest and catalog all read it.
"""

from pathlib import Path
from typing import Final

import pyarrow as pa

SCHEMA_VERSION: Final = 1
MANIFEST_NAME: Final = "_manifest.json"
INTENT_ROW_GROUP: Final = 128 * 1024
PEOPLE_ROW_GROUP: Final = 64 * 1024

TOPICS_SCHEMA: Final = pa.schema(
    [
        pa.field("topic_id", pa.int32(), nullable=False),
        ("name", pa.string()),
        ("type", pa.string()),
        ("industry", pa.string()),
        ("category", pa.string()),
        ("keywords", pa.list_(pa.string())),
    ]
)

PEOPLE_TEXT_COLUMNS: Final = (
    "hashed_email", "first_name", "last_name", "business_email", "personal_email", "phone",
    "linkedin_url", "headline", "job_title", "seniority", "department", "company_name",
    "company_domain", "company_industry", "company_industry_group", "company_size",
    "company_revenue_range", "city", "state", "country", "age_range", "gender",
)  # fmt: skip

PEOPLE_SCHEMA: Final = pa.schema(
    [pa.field("person_id", pa.int64(), nullable=False)]
    + [pa.field(name, pa.string()) for name in PEOPLE_TEXT_COLUMNS]
)

# Near-unique people columns are stored plain: a dictionary page that overflows falls back to
# plain mid-chunk anyway, and plain values decode faster.
PEOPLE_PLAIN_COLUMNS: Final = (
    "person_id", "hashed_email", "business_email", "personal_email", "phone", "linkedin_url",
    "headline",
)  # fmt: skip
# Every run decodes the people pages its candidates live in (candidates are spread over all row
# groups), so people files use LZ4: measured at scale 10, the selective audience's people stage
# took 450-500 ms warm with LZ4 and plain identifiers, 850-900 ms with zstd and dictionaries.
PEOPLE_COMPRESSION: Final = "lz4"
# SHA-256 hex leaves LZ4 nothing to find (665 of 680 MB at scale 10); stored uncompressed, its
# pages are read without a decompression copy: no_filters' people scan 0.83 -> 0.70 s (median of 6).
PEOPLE_UNCOMPRESSED_COLUMNS: Final = ("hashed_email",)
INTENT_COMPRESSION: Final = "zstd"

INTENT_SCHEMA: Final = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("topic_id", pa.int32(), nullable=False),
        pa.field("score", pa.int8(), nullable=False),
    ]
)


def topics_path(dataset: Path) -> Path:
    return dataset / "topics.parquet"


def people_dir(dataset: Path, version: str) -> Path:
    return dataset / "people" / f"version={version}"


def intent_dir(dataset: Path, data_date: str) -> Path:
    return dataset / "intent" / f"data_date={data_date}"


def manifest_path(dataset: Path, data_date: str) -> Path:
    return intent_dir(dataset, data_date) / MANIFEST_NAME


# _manifest.json (written last; a date without it does not exist):
# {
#   "schemaVersion": 1,
#   "dataDate": "YYYY-MM-DD",
#   "peopleVersion": "<V>",
#   "files": [{"path": "part-00000.parquet", "rows": 123, "bytes": 456, "sha256": "..."}],
#   "rowCount": 123
# }
# `path` is relative to the date directory.
