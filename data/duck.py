"""DuckDB sessions for reading datasets: an in-memory connection that never writes to disk.

Also the quoting of SQL identifiers, literals and file lists, so no caller builds SQL by hand.
"""

from collections.abc import Iterable
from pathlib import Path

import duckdb

Connection = duckdb.DuckDBPyConnection


def connect() -> Connection:
    """A fresh in-memory connection; spilling is off so reading a dataset writes nothing."""
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


def in_list(values: Iterable[str]) -> str:
    """A parenthesised list of string literals, for `x IN (...)`."""
    return "(" + ", ".join(literal(value) for value in values) + ")"
