"""Pages of a run's results as JSON bytes, cut from row groups encoded once and kept in memory.

A published snapshot never changes and its directory names its run, so what is kept under that
directory (layout, encoded row groups) is never invalidated: a cachetools LRU under a byte budget
drops the least recently read row groups first. Both caches are only touched on the event loop.
"""

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Final

import msgspec
from anyio import CapacityLimiter, to_thread
from cachetools import LRUCache

from api.coalesce import Coalescer
from api.wire.results import ResultRow
from data.snapshots import SnapshotStore
from data.snapshots.json_rows import JsonRows, encode_row_group, encode_table
from data.snapshots.reader import row_group_starts
from data.storage import Location

# The snapshot columns a result row is made of, in the order of its wire fields.
WIRE_COLUMNS: Final = tuple(field.encode_name for field in msgspec.structs.fields(ResultRow))
DEFAULT_BUDGET_BYTES: Final = 1 << 30  # ~1 KiB a row: about a million rows of any runs
LAYOUTS_KEPT: Final = 4096  # footers are small; this only bounds a long-running process
ENCODERS: Final = 2  # row groups encoded at once in the background (each takes a core)

GroupKey = tuple[str, int]  # snapshot location, row group
Span = tuple[JsonRows, int]  # rows and the run row the first of them is


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
    """One per app. A page whose row groups are in memory is cut from them on the event loop.
    The first request to miss a row group reads its page from the snapshot on a worker thread,
    decoding only up to its last row, and starts encoding the row group in the background;
    requests missing it meanwhile wait for that encoding rather than read the file again."""

    def __init__(self, snapshots: SnapshotStore, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._snapshots = snapshots
        self.groups: LRUCache[GroupKey, JsonRows] = LRUCache(budget_bytes, _nbytes)
        self._layouts: LRUCache[str, Layout] = LRUCache(LAYOUTS_KEPT)
        self._encoding: Coalescer[GroupKey, JsonRows] = Coalescer(CapacityLimiter(ENCODERS))

    async def page(self, snapshot: Location, offset: int, limit: int) -> tuple[bytes, int]:
        """The JSON array of rows [offset, offset + limit) in rank order, and the row count."""
        found = self.cached_page(snapshot, offset, limit)
        if found is None:
            missing = self._missing(snapshot, offset, limit)
            if missing and all(self._encoding.running(key) for key in missing):
                found = await self._encoded_page(snapshot, offset, limit, missing)
            else:
                found = await self._read_page(snapshot, offset, limit)
                for key in self._missing(snapshot, offset, limit) if self.groups.maxsize else ():
                    self._encoding.start(key, partial(self._encode, snapshot, key[1]), self._keep)
        return found

    def cached_page(self, snapshot: Location, offset: int, limit: int) -> tuple[bytes, int] | None:
        """The page when everything it needs is in memory already, else None; never blocks."""
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

    async def _encoded_page(
        self, snapshot: Location, offset: int, limit: int, missing: list[GroupKey]
    ) -> tuple[bytes, int]:
        """The page once the row groups being encoded are (a worker thread reads it when one
        was evicted again meanwhile)."""
        for key in missing:
            self._keep(key, await self._encoding.load(key, partial(self._encode, snapshot, key[1])))
        found = self.cached_page(snapshot, offset, limit)
        if found is None:
            found = await self._read_page(snapshot, offset, limit)
        return found

    async def _read_page(self, snapshot: Location, offset: int, limit: int) -> tuple[bytes, int]:
        """The page read from the file on a worker thread; the file's layout is kept."""
        known = self._layouts.get(str(snapshot))
        page, layout = await to_thread.run_sync(self._read, snapshot, offset, limit, known)
        self._layouts[str(snapshot)] = layout
        return page

    def _read(
        self, snapshot: Location, offset: int, limit: int, layout: Layout | None
    ) -> tuple[tuple[bytes, int], Layout]:
        layout = layout or self._layout(snapshot)
        table, total = self._snapshots.read_page(snapshot, offset, limit)
        return (_join([(encode_table(table, WIRE_COLUMNS), offset)], offset, limit), total), layout

    def _missing(self, snapshot: Location, offset: int, limit: int) -> list[GroupKey]:
        """The page's row groups not in memory; none while the file's layout is unknown."""
        layout = self._layouts.get(str(snapshot))
        groups = layout.groups(offset, limit) if layout is not None else iter(())
        keys = [(str(snapshot), group) for group, _ in groups]
        return [key for key in keys if self.groups.get(key) is None]

    def _keep(self, key: GroupKey, rows: JsonRows) -> None:
        if rows.nbytes <= self.groups.maxsize:
            self.groups[key] = rows

    def _encode(self, snapshot: Location, group: int) -> JsonRows:
        return encode_row_group(self._snapshots.open_results(snapshot), group, WIRE_COLUMNS)

    def _layout(self, snapshot: Location) -> Layout:
        metadata = self._snapshots.open_results(snapshot).metadata
        return Layout(tuple(row_group_starts(metadata)), metadata.num_rows)


def _nbytes(rows: JsonRows) -> int:
    return rows.nbytes


def _join(spans: list[Span], offset: int, limit: int) -> bytes:
    """The JSON array of the page's rows, cut from the spans that hold them."""
    parts = [rows.cut(offset - first, offset + limit - first) for rows, first in spans]
    return b"".join([b"[", b",".join(part for part in parts if part), b"]"])
