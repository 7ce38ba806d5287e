"""Result pages: the same bytes as encoding the rows one by one, whether read from the file or
cut from row groups kept encoded; one encoding per row group, never more memory than the budget."""

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from api import result_pages
from api.result_pages import ResultPages
from api.wire.results import ResultRow
from data.snapshots import reader
from data.snapshots.files import RESULTS
from data.snapshots.json_rows import JsonRows, encode_row_group
from data.snapshots.results_file import ResultsFile
from tests.snapshots.factories import make_row, table_of

GROUP_ROWS = 7  # small row groups, so that pages cross their edges
# Text a JSON encoder must escape or pass through as it is.
ODD_TEXT = ["tab\there", "line\nbreak", 'say "hi"', "back\\slash", "nul\x00", "\x1f\x7f",
            "müller ✓ 😀", "\u2028", "", "</script>"]  # fmt: skip


class FileStore:
    """The two reads of a snapshot store that pages use, counting the files they open."""

    def __init__(self) -> None:
        self.opened = 0

    def open_results(self, snapshot: Path) -> ResultsFile:
        self.opened += 1
        return ResultsFile(snapshot / RESULTS)

    def read_page(self, snapshot: Path, offset: int, limit: int) -> tuple[pa.Table, int]:
        return reader.read_page(self.open_results(snapshot), offset, limit)


def read(pages: ResultPages, snapshot: Path, offset: int, limit: int) -> tuple[bytes, int]:
    """One request's page; the row groups it starts encoding are done when this returns."""

    async def request() -> tuple[bytes, int]:
        page = await pages.page(snapshot, offset, limit)
        await asyncio.gather(*(asyncio.all_tasks() - {asyncio.current_task()}))
        return page

    return asyncio.run(request())


MakeSnapshot = Callable[..., tuple[Path, pa.Table]]


@pytest.fixture
def make_snapshot(tmp_path: Path) -> MakeSnapshot:
    """`make_snapshot(rows=30)`: a snapshot directory whose results have `rows` varied rows in
    row groups of GROUP_ROWS, and the table written."""
    count = iter(range(1_000_000))

    def make(rows: int = 30) -> tuple[Path, pa.Table]:
        directory = tmp_path / f"snapshot-{next(count)}"
        directory.mkdir()
        table = table_of([_row(rank) for rank in range(1, rows + 1)])
        pq.write_table(table, directory / RESULTS, row_group_size=GROUP_ROWS)
        return directory, table

    return make


def _row(rank: int) -> dict[str, Any]:
    text = ODD_TEXT[rank % len(ODD_TEXT)]
    nulls = rank % 3 == 0
    row = make_row(
        rank,
        firstName=None if nulls else text,
        headline=text,
        phone=None if nulls else f"+1555{rank:07d}",
        company={**make_row()["company"], "name": text},
    )
    if nulls:
        row["intent"] = {"score": 50 + rank % 50, "topicOverlap": 0, "matchedTopics": []}
    return row


def expected(table: pa.Table, offset: int, limit: int) -> bytes:
    """What encoding the rows one by one as wire rows gives."""
    rows = table.slice(offset, limit).to_pylist()
    return msgspec.json.encode(msgspec.convert(rows, list[ResultRow]))


@pytest.mark.parametrize(
    ("offset", "limit"),
    [(0, 1), (0, 7), (3, 4), (5, 10), (6, 15), (0, 30), (28, 100), (14, 7)],
    ids=lambda v: str(v),
)
def test_page_has_the_bytes_of_its_rows_encoded_one_by_one_read_or_kept(
    make_snapshot: MakeSnapshot, offset: int, limit: int
) -> None:
    snapshot, table = make_snapshot()
    pages = ResultPages(FileStore())  # type: ignore[arg-type]
    read_from_file = read(pages, snapshot, offset, limit)
    kept = pages.cached_page(snapshot, offset, limit)
    assert read_from_file == kept == (expected(table, offset, limit), 30)


def test_page_past_the_end_is_an_empty_array(make_snapshot: MakeSnapshot) -> None:
    snapshot, _ = make_snapshot()
    assert read(ResultPages(FileStore()), snapshot, 30, 10) == (b"[]", 30)  # type: ignore[arg-type]


def test_empty_results_give_an_empty_page(make_snapshot: MakeSnapshot) -> None:
    snapshot, _ = make_snapshot(rows=0)
    assert read(ResultPages(FileStore()), snapshot, 0, 10) == (b"[]", 0)  # type: ignore[arg-type]


def test_a_page_read_from_the_file_keeps_only_its_own_row_groups(
    make_snapshot: MakeSnapshot,
) -> None:
    snapshot, _ = make_snapshot()
    pages = ResultPages(FileStore())  # type: ignore[arg-type]
    read(pages, snapshot, 0, 7)  # the first row group only
    assert pages.cached_page(snapshot, 5, 4) is None
    assert pages.cached_page(snapshot, 0, 7) is not None
    assert len(pages.groups) == 1


def test_a_kept_page_is_answered_without_opening_the_file(make_snapshot: MakeSnapshot) -> None:
    snapshot, _ = make_snapshot()
    store = FileStore()
    pages = ResultPages(store)  # type: ignore[arg-type]
    first = read(pages, snapshot, 5, 10)
    opened = store.opened
    assert read(pages, snapshot, 5, 10) == first
    assert store.opened == opened


def test_encoded_row_groups_stay_within_the_byte_budget(make_snapshot: MakeSnapshot) -> None:
    snapshot, table = make_snapshot(rows=70)
    one_group = len(expected(table, 0, GROUP_ROWS))
    pages = ResultPages(FileStore(), budget_bytes=3 * one_group)  # type: ignore[arg-type]
    for offset in range(0, 70, 5):
        read(pages, snapshot, offset, 5)
        assert pages.groups.currsize <= 3 * one_group
    assert 0 < len(pages.groups) < 10


def test_concurrent_misses_of_a_row_group_encode_it_once(
    make_snapshot: MakeSnapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot, table = make_snapshot()
    encoded: list[int] = []

    def counting(results: ResultsFile, group: int, columns: Sequence[str]) -> JsonRows:
        encoded.append(group)
        return encode_row_group(results, group, columns)

    monkeypatch.setattr(result_pages, "encode_row_group", counting)
    pages = ResultPages(FileStore())  # type: ignore[arg-type]

    async def together() -> list[tuple[bytes, int]]:
        pages_read = await asyncio.gather(*(pages.page(snapshot, 2, 3) for _ in range(8)))
        await asyncio.gather(*(asyncio.all_tasks() - {asyncio.current_task()}))
        return list(pages_read)

    assert asyncio.run(together()) == [(expected(table, 2, 3), 30)] * 8
    assert encoded == [0]


def test_a_zero_byte_budget_reads_every_page_from_the_file_and_keeps_no_rows(
    make_snapshot: MakeSnapshot,
) -> None:
    snapshot, table = make_snapshot()
    store = FileStore()
    pages = ResultPages(store, budget_bytes=0)  # type: ignore[arg-type]
    assert (
        read(pages, snapshot, 5, 10)
        == read(pages, snapshot, 5, 10)
        == (
            expected(table, 5, 10),
            30,
        )
    )
    assert (len(pages.groups), store.opened) == (0, 3)  # the layout once, each page once
