"""Materialization backends behind one `Backend` protocol, and the one place that names them.

get_backend("duckdb" | "polars" | "reference", threads=..., memory_limit=...)
"""

from typing import Final

from engine.backends.duckdb_backend import DuckDBBackend
from engine.backends.duckdb_connection import DuckDBOptions
from engine.backends.polars_backend import PolarsBackend
from engine.backends.protocol import Backend, Funnel
from engine.backends.reference import ReferenceBackend
from engine.errors import UnknownBackend

BACKEND_NAMES: Final = ("duckdb", "polars", "reference")

__all__ = ["BACKEND_NAMES", "Backend", "Funnel", "get_backend"]


def get_backend(
    name: str, *, threads: int | None = None, memory_limit: str | None = None
) -> Backend:
    """The backend called `name`; `threads` and `memory_limit` size DuckDB (Polars sizes its
    pool per process, the reference is single-threaded)."""
    if name == "duckdb":
        return DuckDBBackend(DuckDBOptions(threads, memory_limit))
    if name == "polars":
        return PolarsBackend()
    if name == "reference":
        return ReferenceBackend()
    raise UnknownBackend(name, BACKEND_NAMES)
