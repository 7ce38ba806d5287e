"""Pages of a run's results as JSON bytes, cut from row groups encoded once and kept in memory.

A published snapshot never changes, so an encoded row group stays right for as long as it is
kept; the byte budget bounds the memory, the least recently read row groups going first.
"""

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import msgspec

from api.bounded_cache import BoundedCache
from api.wire.results import ResultRow
from data.snapshots import SnapshotStore
from data.snapshots.json_rows import JsonRows, encode_row_group
from data.snapshots.reader import row_group_starts

# The snapshot columns a result row is made of, in the order of its wire fields.
WIRE_COLUMNS: Final = tuple(field.encode_name for field in msgspec.structs.fields(ResultRow))
DEFAULT_BUDGET_BYTES: Final = 1 << 30  # ~1 KiB a row: about a million rows of any runs
LAYOUTS_KEPT: Final = 4096  # footers are small; this only bounds a long-running process

Span = tuple[JsonRows, int]  # a row group's rows and the run row it starts at


@dataclass(frozen=True)
class Layout:
    """Where each row group of a results file starts, and its row count."""

    starts: tuple[int, ...]
    total: int

    def groups(self, offset: int, limit: int) -> Iterator[tuple[int, int]]:
        """(row group, its first row) of every group holding a row of the page."""
        stop = min(offset + limit, self.total)
        if offset >= stop:
            return
        first = max(bisect_right(self.starts, offset) - 1, 0)
        for group in range(first, bisect_right(self.starts, stop - 1)):
            yield group, self.starts[group]


class ResultPages:
    """Thread-safe; one per app. Concurrent reads of one row group encode it once."""

    def __init__(self, snapshots: SnapshotStore, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._snapshots = snapshots
        self.groups: BoundedCache[tuple[str, int], JsonRows] = BoundedCache(
            budget_bytes, weigh=lambda rows: rows.nbytes
        )
        self._layouts: BoundedCache[str, Layout] = BoundedCache(LAYOUTS_KEPT)

    def page(self, snapshot: Path, offset: int, limit: int) -> tuple[bytes, int]:
        """The JSON array of rows [offset, offset + limit) in rank order, and the row count;
        what is not in memory yet is read and encoded first (blocking)."""
        layout = self._layouts.get_or_load(str(snapshot), lambda: self._layout(snapshot))
        spans = [(self._rows(snapshot, g), first) for g, first in layout.groups(offset, limit)]
        return _join(spans, offset, limit), layout.total

    def cached_page(self, snapshot: Path, offset: int, limit: int) -> tuple[bytes, int] | None:
        """`page` when everything it needs is in memory already, else None; never blocks."""
        key = str(snapshot)
        layout = self._layouts.get(key)
        if layout is None:
            return None
        spans = []
        for group, first in layout.groups(offset, limit):
            rows = self.groups.get((key, group))
            if rows is None:
                return None
            spans.append((rows, first))
        return _join(spans, offset, limit), layout.total

    def _rows(self, snapshot: Path, group: int) -> JsonRows:
        def load() -> JsonRows:
            results = self._snapshots.open_results(snapshot)
            return encode_row_group(results, group, WIRE_COLUMNS)

        return self.groups.get_or_load((str(snapshot), group), load)

    def _layout(self, snapshot: Path) -> Layout:
        metadata = self._snapshots.open_results(snapshot).metadata
        return Layout(tuple(row_group_starts(metadata)), metadata.num_rows)


def _join(spans: list[Span], offset: int, limit: int) -> bytes:
    """The JSON array of the page's rows, cut from the row groups that hold them."""
    parts = [rows.cut(offset - first, offset + limit - first) for rows, first in spans]
    return b"".join([b"[", b",".join(part for part in parts if part), b"]"])
