"""The output side every backend shares: flat result columns in rank order become RESULT_SCHEMA.

Backends compute the rows and their order their own way; this module only nests the columns
(company, location, demographics, intent with its matched-topic lists) and adds the rank.
"""

import time
from typing import Any, Final

import numpy as np
import pyarrow as pa

from engine.errors import BackendError
from engine.progress import stage_ended
from engine.schema import MATCHED_TOPIC, RESULT_SCHEMA, MaterializeResult

# Result field -> flat column a backend returns. `overlap` and `best` are the intent aggregates.
TOP_LEVEL: Final = {
    "personId": "person_id", "hashedEmail": "hashed_email", "firstName": "first_name",
    "lastName": "last_name", "fullName": "full_name", "businessEmail": "business_email",
    "personalEmail": "personal_email", "email": "email",
    "primaryContactEmail": "primary_contact_email", "phone": "phone",
    "linkedinUrl": "linkedin_url", "headline": "headline", "jobTitle": "job_title",
    "seniority": "seniority", "department": "department",
}  # fmt: skip
NESTED: Final = {
    "company": {
        "name": "company_name", "domain": "company_domain", "industry": "company_industry",
        "industryGroup": "company_industry_group", "size": "company_size",
        "revenueRange": "company_revenue_range",
    },
    "location": {"city": "city", "state": "state", "country": "country"},
    "demographics": {"ageRange": "age_range", "gender": "gender"},
}  # fmt: skip
# Matched-topic field -> column of the matched-topic rows a backend returns.
TOPIC_COLUMNS: Final = {
    "topicId": "topic_id", "topicName": "name", "type": "type", "industry": "industry",
    "category": "category", "score": "score",
}  # fmt: skip
BACKEND_COLUMNS: Final = (
    *TOP_LEVEL.values(),
    *(column for fields in NESTED.values() for column in fields.values()),
    "overlap",
    "best",
)


class Stopwatch:
    """Seconds spent in each named stage of one materialization (MaterializeResult.timings)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self._last
        self._last = now
        stage_ended(stage)


def empty_result(backend: str, candidate_count: int = 0) -> MaterializeResult:
    """No results: an empty table with RESULT_SCHEMA."""
    return MaterializeResult(RESULT_SCHEMA.empty_table(), candidate_count, backend)


def assemble(flat: pa.Table, matched: pa.Table) -> pa.Table:
    """The RESULT_SCHEMA table of `flat` (BACKEND_COLUMNS, rank order) and `matched`.

    `matched` holds every result's matched-topic rows (TOPIC_COLUMNS), grouped by result in rank
    order and ordered within a result; a result has `overlap` of them.
    """
    overlap = _column(flat, "overlap", pa.int16())
    intent = pa.StructArray.from_arrays(
        [_column(flat, "best", pa.int8()), overlap, _topic_lists(overlap, matched)],
        fields=list(RESULT_SCHEMA.field("intent").type),
    )
    rank = _numbers(np.arange(1, flat.num_rows + 1, dtype=np.int64), pa.int64())
    top = [
        _column(flat, column, RESULT_SCHEMA.field(name).type) for name, column in TOP_LEVEL.items()
    ]
    nested = [_struct(flat, name, columns) for name, columns in NESTED.items()]
    return pa.Table.from_arrays([rank, *top, *nested, intent], schema=RESULT_SCHEMA)


def _column(table: pa.Table, name: str, kind: pa.DataType) -> pa.Array:
    """One array of type `kind`, copied only when it must be: fresh memory is costly to fault in
    (combining even a single chunk copies it)."""
    column = table.column(name)
    array = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return array if array.type == kind else array.cast(kind)


def _numbers(values: "np.ndarray[Any, Any]", kind: pa.DataType) -> pa.Array:
    """`values` (of `kind`'s width) as an array without a copy; unlike `pa.array`, this does not
    import numpy's masked arrays to check for them."""
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


def _struct(flat: pa.Table, name: str, columns: dict[str, str]) -> pa.StructArray:
    fields = list(RESULT_SCHEMA.field(name).type)
    arrays = [_column(flat, columns[field.name], field.type) for field in fields]
    return pa.StructArray.from_arrays(arrays, fields=fields)


def _topic_lists(overlap: pa.Array, matched: pa.Table) -> pa.ListArray:
    counts = overlap.to_numpy(zero_copy_only=False).astype(np.int64)
    if int(counts.sum()) != matched.num_rows:
        raise BackendError(f"matched topics: {matched.num_rows} rows for {counts.sum()} expected")
    offsets = _numbers(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32), pa.int32())
    fields = list(MATCHED_TOPIC)
    arrays = [_column(matched, TOPIC_COLUMNS[field.name], field.type) for field in fields]
    return pa.ListArray.from_arrays(offsets, pa.StructArray.from_arrays(arrays, fields=fields))
