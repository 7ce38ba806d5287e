"""Schema checks: each Parquet file's columns and types against the Arrow schemas of the contract.

String and list types compare by meaning: `large_string` or `string_view` store the same Parquet
data as `string`, so a file written by Polars or DuckDB is as valid as one written by PyArrow.
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from data.validation.report import Problem, Severity, error, warning


def read_schema(path: Path, file: str) -> tuple[pa.Schema | None, list[Problem]]:
    """The Arrow schema stored in `path`, or a problem when it is not readable Parquet."""
    try:
        return pq.read_schema(path), []
    except (OSError, pa.ArrowException) as exc:
        return None, [error(file, None, f"not a readable Parquet file: {exc}")]


def schema_problems(actual: pa.Schema, expected: pa.Schema, file: str) -> list[Problem]:
    """Missing columns and wrong types are errors; columns the contract lacks are warnings."""
    problems = [_column_problem(actual, field, file) for field in expected]
    extra = [name for name in actual.names if name not in expected.names]
    extras = [warning(file, name, "column not in the contract, ignored") for name in extra]
    return [problem for problem in problems if problem is not None] + extras


def file_schema_problems(path: Path, expected: pa.Schema, file: str) -> list[Problem]:
    schema, problems = read_schema(path, file)
    return problems if schema is None else schema_problems(schema, expected, file)


def has_errors(problems: list[Problem]) -> bool:
    return any(problem.severity is Severity.ERROR for problem in problems)


def _column_problem(actual: pa.Schema, field: pa.Field, file: str) -> Problem | None:
    index = actual.get_field_index(field.name)
    if index < 0:
        return error(file, field.name, f"missing column (expected {field.type})")
    found = actual.field(index).type
    if _normalized(found) != _normalized(field.type):
        return error(file, field.name, f"wrong type {found}, expected {field.type}")
    return None


def _normalized(kind: pa.DataType) -> str:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return "string"
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_list_view(kind):
        return f"list<{_normalized(kind.value_type)}>"
    return str(kind)
