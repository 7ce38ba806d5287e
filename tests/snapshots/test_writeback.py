"""WritebackFile writes exactly what it is given, wherever the file position starts."""

from pathlib import Path

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
