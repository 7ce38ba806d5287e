"""Materialization backends behind one `Backend` protocol, and the one place that names them.

get_backend("duckdb" | "polars" | "reference", threads=..., memory_limit=...)

A backend's module, and with it its engine library, is imported when the backend is first made:
a Polars run does not load DuckDB, nor a DuckDB run Polars.
"""

import importlib
import sys
from typing import Final

from engine.backends.protocol import Backend, Funnel
from engine.errors import UnknownBackend

BACKEND_NAMES: Final = ("duckdb", "polars", "reference")
# Every backend's module: what a long-lived process (the API, a worker's run process server)
# imports once at start-up, so no request or run pays for it.
BACKEND_MODULES: Final = (
    "engine.backends.duckdb_backend",
    "engine.backends.polars_backend",
    "engine.backends.reference",
)

__all__ = [
    "BACKEND_MODULES",
    "BACKEND_NAMES",
    "Backend",
    "Funnel",
    "get_backend",
    "library_errors",
    "preload_backends",
]


def get_backend(
    name: str, *, threads: int | None = None, memory_limit: str | None = None
) -> Backend:
    """The backend called `name`; `threads` and `memory_limit` size DuckDB (Polars sizes its
    pool per process, the reference is single-threaded)."""
    if name == "duckdb":
        from engine.backends.duckdb_backend import DuckDBBackend
        from engine.backends.duckdb_connection import DuckDBOptions

        return DuckDBBackend(DuckDBOptions(threads, memory_limit))
    if name == "polars":
        from engine.backends.polars_backend import PolarsBackend

        return PolarsBackend()
    if name == "reference":
        from engine.backends.reference import ReferenceBackend

        return ReferenceBackend()
    raise UnknownBackend(name, BACKEND_NAMES)


def library_errors() -> tuple[type[Exception], ...]:
    """What the engine libraries raise on a broken file or a failing query, for each library
    imported so far (one that was never imported raised nothing). Evaluate it where the error
    is caught, e.g. `except (OSError, *library_errors())`."""
    found: list[type[Exception]] = []
    if "pyarrow" in sys.modules:
        found.append(sys.modules["pyarrow"].ArrowException)
    if "duckdb" in sys.modules:
        found.append(sys.modules["duckdb"].Error)
    if "polars" in sys.modules:
        found.append(sys.modules["polars"].exceptions.PolarsError)
    return tuple(found)


def preload_backends() -> None:
    """Import every backend and its engine library now rather than at the first run."""
    for name in BACKEND_MODULES:
        importlib.import_module(name)
