"""DuckDB sessions for reading datasets: an in-memory connection that never writes to disk.

Also the quoting of SQL identifiers, literals and file lists, so no caller builds SQL by hand.
DuckDB itself is imported by the first `connect()`: importing this module (the dataset catalog
does) costs a Polars run nothing.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import duckdb

Connection: TypeAlias = "duckdb.DuckDBPyConnection"


def connect() -> Connection:
    """A fresh in-memory connection; spilling is off so reading a dataset writes nothing."""
    import duckdb

    con = duckdb.connect(":memory:", config={"temp_directory": ""})
    con.execute("SET enable_progress_bar = false")  # a session option; stderr stays quiet
    return con


def ident(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """`value` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def file_list(paths: Iterable[Path | str]) -> str:
    """A SQL list literal of file paths, for `read_parquet([...])`."""
    return "[" + ", ".join(literal(str(path)) for path in paths) + "]"


def read_parquet(paths: Iterable[Path | str], *, with_filename: bool = False) -> str:
    """A `read_parquet` call over `paths`, columns matched by name.

    Dataset directories look like Hive partitions (`data_date=...`, `version=...`); that must
    not add a column, so partition discovery is off.
    """
    filename = ", filename = true" if with_filename else ""
    options = f"hive_partitioning = false, union_by_name = true{filename}"
    return f"read_parquet({file_list(paths)}, {options})"


def in_list(values: Iterable[str]) -> str:
    """A parenthesised list of string literals, for `x IN (...)`."""
    return "(" + ", ".join(literal(value) for value in values) + ")"
