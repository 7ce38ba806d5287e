"""Rows of the in-memory metadata store: their orderings and the foreign-key check.

Shared by `memory.MemoryMetadataStore` and its runs part, `memory_runs.MemoryRuns`.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from data.errors import MetadataError


class _Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


Row = TypeVar("Row", bound=_Row)


def newest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)


def oldest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.created_at, row.id))


def require(table: str, column: str, value: str, present: Callable[[str], bool]) -> None:
    if not present(value):
        raise MetadataError(f"{table}: {column} {value!r} refers to no existing row")
