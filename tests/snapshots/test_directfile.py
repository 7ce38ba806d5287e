"""DirectFile writes exactly what it is given, directly where it can and buffered where not."""

import errno
import os
from pathlib import Path

import pytest

from data import directfile
from data.directfile import BLOCK, BUFFER_BYTES, direct_file

CHUNKS = [b"a" * 10, b"", memoryview(b"bc" * 70_000), bytes(range(256)) * 3, b"z" * BUFFER_BYTES]


@pytest.mark.parametrize(
    "chunks",
    [CHUNKS, [b"x" * BLOCK], [b"x" * (BUFFER_BYTES - 1), b"yz"], []],
    ids=["mixed", "one-block", "across-the-buffer", "empty"],
)
def test_the_file_holds_the_chunks_in_order_and_nothing_more(tmp_path: Path, chunks) -> None:
    path = tmp_path / "out.bin"
    with direct_file(path) as out:
        assert [out.write(chunk) for chunk in chunks] == [len(chunk) for chunk in chunks]
    assert path.read_bytes() == b"".join(bytes(chunk) for chunk in chunks)


def test_an_existing_file_is_replaced_not_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    path.write_bytes(b"old" * 10_000)
    with direct_file(path) as out:
        out.write(b"new")
    assert path.read_bytes() == b"new"


def test_a_file_system_without_direct_io_gets_a_buffered_file(tmp_path, monkeypatch) -> None:
    opened = os.open

    def no_direct(path, flags, mode=0o777):
        if flags & directfile._O_DIRECT:
            raise OSError(errno.EINVAL, "direct I/O not supported")
        return opened(path, flags, mode)

    monkeypatch.setattr(directfile.os, "open", no_direct)
    path = tmp_path / "out.bin"
    with direct_file(path) as out:
        for chunk in CHUNKS:
            out.write(chunk)
    assert path.read_bytes() == b"".join(bytes(chunk) for chunk in CHUNKS)


def test_direct_writes_refused_after_opening_fall_back_to_buffered(tmp_path, monkeypatch) -> None:
    written = os.write
    refused: list[int] = []

    def refuse_first(fd, data):
        if not refused:
            refused.append(fd)
            raise OSError(errno.EINVAL, "invalid argument")
        return written(fd, data)

    monkeypatch.setattr(directfile.os, "write", refuse_first)
    path = tmp_path / "out.bin"
    with direct_file(path) as out:
        for chunk in CHUNKS:
            out.write(chunk)
    assert refused
    assert path.read_bytes() == b"".join(bytes(chunk) for chunk in CHUNKS)


def test_other_write_errors_are_raised(tmp_path, monkeypatch) -> None:
    def full(fd, data):
        raise OSError(errno.ENOSPC, "no space left on device")

    monkeypatch.setattr(directfile.os, "write", full)
    with pytest.raises(OSError, match="no space"), direct_file(tmp_path / "out.bin") as out:
        out.write(b"x" * BUFFER_BYTES)


def test_a_failure_inside_the_block_closes_the_file_unwritten(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"

    def failing_write() -> None:
        with direct_file(path) as out:
            out.write(b"kept in the buffer")
            raise RuntimeError("encoding failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert path.read_bytes() == b""
