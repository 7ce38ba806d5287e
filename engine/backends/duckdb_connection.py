"""DuckDB connections: one database per (threads, memory limit), one cursor per thread.

Runs on worker threads share the database's thread pool, memory limit and parquet metadata cache,
while each thread keeps its own cursor, as DuckDB requires.
"""

import threading
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class DuckDBOptions:
    threads: int | None = None  # None: DuckDB's default, one per core
    memory_limit: str | None = None  # e.g. "4GB"; None: DuckDB's default


_lock = threading.Lock()
_databases: dict[DuckDBOptions, duckdb.DuckDBPyConnection] = {}
_cursors = threading.local()


def cursor(options: DuckDBOptions) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on the database for `options`."""
    per_thread: dict[DuckDBOptions, duckdb.DuckDBPyConnection] = _cursors.__dict__.setdefault(
        "by_options", {}
    )
    if options not in per_thread:
        per_thread[options] = _database(options).cursor()
    return per_thread[options]


def _database(options: DuckDBOptions) -> duckdb.DuckDBPyConnection:
    with _lock:
        if options not in _databases:
            _databases[options] = _open(options)
        return _databases[options]


def _open(options: DuckDBOptions) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | bool | int | float | list[str]] = {}
    if options.threads is not None:
        config["threads"] = options.threads
    if options.memory_limit is not None:
        config["memory_limit"] = options.memory_limit
    database = duckdb.connect(":memory:", config=config)
    # Intent and people files are immutable once published, so their footers can stay cached.
    database.execute("SET GLOBAL parquet_metadata_cache = true")
    return database
