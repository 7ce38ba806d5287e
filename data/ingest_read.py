"""Reading one user file (CSV with a header row, or Parquet) into a DuckDB table of contract type.

Column names must match the contract; a value that does not cast is an error naming the file, the
column and a sample value; fixed-vocabulary columns and hex digests are lower-cased.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Final

import duckdb
import pyarrow as pa

from data import duck
from data.errors import IngestError
from data.validation.rows import RowRule, rule_problems
from engine.vocab import FIXED_VOCABULARIES

CSV_SUFFIXES: Final = (".csv", ".csv.gz")
PARQUET_SUFFIXES: Final = (".parquet", ".pq")
LOWERED: Final = frozenset({*FIXED_VOCABULARIES, "hashed_email", "type"})
# "" stays an empty string (a bare empty cell is null); a data_date=... folder adds no column.
CSV_OPTIONS: Final = ", ".join(
    (
        "header = true",
        "all_varchar = true",
        "allow_quoted_nulls = false",
        "hive_partitioning = false",
    )
)
KEYWORD_SEPARATOR: Final = ";"  # a list<string> column in CSV is one `;`-separated cell
SQL_TYPES: Final = {pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.int8(): "TINYINT"}


def read_input(
    con: duck.Connection, path: Path, schema: pa.Schema, table: str, *, ignore_extra: bool
) -> None:
    """Create DuckDB table `table` from `path` with exactly the columns and types of `schema`."""
    source = _source(path)
    try:
        columns = {
            row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        }
        _check_names(path, list(columns), schema, ignore_extra)
        _check_values(con, path, source, schema)
        selected = ", ".join(_cast(field, columns[field.name]) for field in schema)
        con.execute(f"CREATE TABLE {duck.ident(table)} AS SELECT {selected} FROM {source}")
    except duckdb.Error as exc:
        raise IngestError(f"{path}: cannot be read: {exc}") from exc


def _source(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return f"read_csv({duck.literal(str(path))}, {CSV_OPTIONS})"
    if name.endswith(PARQUET_SUFFIXES):
        return duck.read_parquet([path])
    raise IngestError(f"{path}: unknown file type, expected .csv, .csv.gz or .parquet")


def _check_names(path: Path, columns: Sequence[str], schema: pa.Schema, ignore_extra: bool) -> None:
    missing = [name for name in schema.names if name not in columns]
    if missing:
        raise IngestError(f"{path}: missing columns {', '.join(missing)}")
    extra = [name for name in columns if name not in schema.names]
    if extra and not ignore_extra:
        names = ", ".join(extra)
        raise IngestError(
            f"{path}: columns not in the contract: {names} (--ignore-extra drops them)"
        )


def _check_values(con: duck.Connection, path: Path, source: str, schema: pa.Schema) -> None:
    """Every column's values must cast to the contract type; all failures are reported at once."""
    rules = [rule for field in schema if (rule := _cast_rule(field)) is not None]
    if not rules:
        return
    view = "input_values"
    columns = ", ".join(duck.ident(field.name) for field in schema)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {columns}, '' AS filename FROM {source}"
    )
    problems = rule_problems(con, view, rules)
    if problems:
        details = "; ".join(f"column {problem.column}: {problem.message}" for problem in problems)
        raise IngestError(f"{path}: {details}")


def _cast_rule(field: pa.Field) -> RowRule | None:
    column = duck.ident(field.name)
    sql_type = SQL_TYPES.get(field.type)
    if sql_type is None:
        return None
    cast = f"TRY_CAST({column} AS {sql_type})"
    bad = f"{column} IS NOT NULL AND ({cast} IS NULL OR TRY_CAST({column} AS DOUBLE) <> {cast})"
    message = f"{{count}} values are not {field.type} integers"
    return RowRule(field.name, bad, message, column)


def _cast(field: pa.Field, source_type: str) -> str:
    column = duck.ident(field.name)
    if pa.types.is_list(field.type):
        return f"{_list_cast(column, source_type)} AS {column}"
    if field.type in SQL_TYPES:
        return f"CAST({column} AS {SQL_TYPES[field.type]}) AS {column}"
    text = f"CAST({column} AS VARCHAR)"
    return f"{f'lower({text})' if field.name in LOWERED else text} AS {column}"


def _list_cast(column: str, source_type: str) -> str:
    if source_type != "VARCHAR":
        return f"CAST({column} AS VARCHAR[])"
    separator = duck.literal(KEYWORD_SEPARATOR)
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} = '' THEN []::VARCHAR[]"
        f" ELSE string_split({column}, {separator}) END"
    )
