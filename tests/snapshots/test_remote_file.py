"""The block reader of remote files, over a local filesystem: same bytes as the file, whole
blocks fetched once and kept under the budget."""

import io

import pyarrow.fs as pafs
from hypothesis import given, settings
from hypothesis import strategies as st

from data.snapshots.remote_file import BLOCK_BYTES, BlockCache, RemoteFile, open_remote

SIZE = 2 * BLOCK_BYTES + 12_345
DATA = bytes(range(256)) * (SIZE // 256) + bytes(SIZE % 256)


def _remote(tmp_path, budget):
    path = tmp_path / "object.bin"
    if not path.exists():
        path.write_bytes(DATA)
    return RemoteFile(pafs.LocalFileSystem(), str(path), BlockCache(budget))


@settings(max_examples=50, deadline=None)
@given(start=st.integers(0, SIZE + 10), length=st.integers(0, 3 * BLOCK_BYTES))
def test_reads_give_the_bytes_of_the_file(tmp_path_factory, start, length):
    remote = _remote(tmp_path_factory.getbasetemp(), 4 * BLOCK_BYTES)
    with open_remote(remote) as f:
        f.seek(start)
        assert f.read(length) == DATA[start : start + length]
        assert f.size() == SIZE


def test_seek_from_the_end_reads_the_tail(tmp_path):
    with open_remote(_remote(tmp_path, 4 * BLOCK_BYTES)) as f:
        f.seek(-8, io.SEEK_END)
        assert f.read() == DATA[-8:]


def test_blocks_read_once_are_kept_and_later_reads_need_no_file(tmp_path):
    remote = _remote(tmp_path, 4 * BLOCK_BYTES)
    with open_remote(remote) as f:
        f.seek(BLOCK_BYTES - 10)
        f.read(20)
    assert remote.cache.nbytes == 2 * BLOCK_BYTES
    (tmp_path / "object.bin").unlink()
    with open_remote(remote) as f:
        f.seek(BLOCK_BYTES - 10)
        assert f.read(20) == DATA[BLOCK_BYTES - 10 : BLOCK_BYTES + 10]


def test_the_cache_keeps_no_more_than_its_budget(tmp_path):
    remote = _remote(tmp_path, BLOCK_BYTES)
    with open_remote(remote) as f:
        f.read()
    assert remote.cache.nbytes <= BLOCK_BYTES


def test_a_budget_of_zero_keeps_nothing(tmp_path):
    remote = _remote(tmp_path, 0)
    with open_remote(remote) as f:
        assert f.read(100) == DATA[:100]
    assert remote.cache.nbytes == 0
