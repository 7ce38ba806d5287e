"""Verify mode: run two backends on the same input and fail on the first difference.

The order of checks is the order of the guarantee: counts, then the ranked person ids, then
every field of every row.
"""

from itertools import zip_longest

import pyarrow as pa

from engine.backends.protocol import Backend, Funnel
from engine.config import AudienceConfig
from engine.errors import BackendMismatch
from engine.schema import MaterializeInput, MaterializeResult


def verify(
    inputs: MaterializeInput, config: AudienceConfig, left: Backend, right: Backend
) -> MaterializeResult:
    """`left`'s result, labelled "verify", once `right` returned exactly the same."""
    ours, theirs = left.materialize(inputs, config), right.materialize(inputs, config)
    difference = first_difference(ours, theirs)
    if difference is not None:
        raise BackendMismatch(left.name, right.name, difference)
    timings = {f"{result.backend}.{stage}": spent for result in (ours, theirs)
               for stage, spent in result.timings.items()}  # fmt: skip
    return MaterializeResult(ours.table, ours.candidate_count, "verify", timings)


def verify_funnel(
    inputs: MaterializeInput, config: AudienceConfig, left: Backend, right: Backend
) -> Funnel:
    ours, theirs = left.funnel(inputs, config), right.funnel(inputs, config)
    if ours != theirs:
        raise BackendMismatch(left.name, right.name, f"funnel {ours} != {theirs}")
    return ours


def first_difference(left: MaterializeResult, right: MaterializeResult) -> str | None:
    """A sentence naming the first difference between two results, None when they are equal."""
    if left.candidate_count != right.candidate_count:
        return f"candidateCount {left.candidate_count} != {right.candidate_count}"
    if left.result_count != right.result_count:
        return f"resultCount {left.result_count} != {right.result_count}"
    ids = _first_row_difference(left.table.column("personId"), right.table.column("personId"))
    if ids is not None:
        return f"personId at rank {ids}"
    return _first_field_difference(left.table, right.table)


def _first_field_difference(left: pa.Table, right: pa.Table) -> str | None:
    flat_left, flat_right = _leaves(left), _leaves(right)
    if flat_left.schema != flat_right.schema:
        return f"schema {flat_left.schema} != {flat_right.schema}"
    for name in flat_left.column_names:
        row = _first_row_difference(flat_left.column(name), flat_right.column(name))
        if row is not None:
            return f"{name} at rank {row}"
    return None


def _leaves(table: pa.Table) -> pa.Table:
    """Struct columns flattened into dotted columns (`company.name`, `intent.matchedTopics`)."""
    while any(pa.types.is_struct(field.type) for field in table.schema):
        table = table.flatten()
    return table


def _first_row_difference(left: pa.ChunkedArray, right: pa.ChunkedArray) -> str | None:
    """'<rank>: <left value> != <right value>' for the first differing row, else None."""
    if left.equals(right):
        return None
    pairs = zip_longest(left.to_pylist(), right.to_pylist())
    for index, (ours, theirs) in enumerate(pairs):
        if ours != theirs:
            return f"{index + 1}: {ours!r} != {theirs!r}"
    return f"1: {left.type} != {right.type}"
