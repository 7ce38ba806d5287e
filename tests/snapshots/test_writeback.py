"""WritebackFile writes exactly what it is given, wherever the file position starts."""

from pathlib import Path

import pytest

from data import writeback
from data.writeback import WritebackFile


def test_chunks_arrive_in_order_and_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    chunks = [b"a" * 10, b"", memoryview(b"bc" * 70_000), bytes(range(256))]
    with path.open("wb") as raw:
        sink = WritebackFile(raw)
        assert [sink.write(chunk) for chunk in chunks] == [len(chunk) for chunk in chunks]
        sink.flush()
    assert path.read_bytes() == b"".join(bytes(chunk) for chunk in chunks)


def test_writing_after_existing_bytes_appends(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    with path.open("wb") as raw:
        raw.write(b"PAR1")
        sink = WritebackFile(raw)
        sink.write(b"body")
    assert path.read_bytes() == b"PAR1body"


def test_writeback_started_along_the_way_leaves_the_bytes_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writeback, "WRITEBACK_STEP", 3 * writeback.PAGE_BYTES)
    calls: list[tuple[int, int]] = []
    start = writeback._START

    def recording(fd: int, offset: int, length: int, flags: int) -> int:
        calls.append((offset, length))
        return start(fd, offset, length, flags) if start is not None else 0

    monkeypatch.setattr(writeback, "_START", recording)
    chunks = [bytes([i % 251]) * (1000 + 777 * i) for i in range(40)]
    path = tmp_path / "out.bin"
    with path.open("wb") as raw:
        sink = WritebackFile(raw)
        for chunk in chunks:
            sink.write(chunk)
    assert path.read_bytes() == b"".join(chunks)
    assert len(calls) > 3
    assert all(offset % writeback.PAGE_BYTES == 0 and length > 0 for offset, length in calls)
    assert [offset for offset, _ in calls[1:]] == [o + n for o, n in calls[:-1]]
