"""A small, size-limited file system (tmpfs) mounted for one test, to fill up on purpose.

Mounting needs root, or sudo without a password; without either the test is skipped, or fails
when services are required.
"""

import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tests.services import unavailable

CHUNK: Final = b"\0" * 65536


@dataclass(frozen=True)
class SmallDisk:
    path: Path  # the mount point

    @property
    def filler(self) -> Path:
        return self.path / "filler"

    def fill(self, leave: int = 0) -> None:
        """Write the filler file until the file system refuses, then give `leave` bytes back."""
        with self.filler.open("ab", buffering=0) as out:
            try:
                while True:
                    out.write(CHUNK)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
            out.truncate(max(0, out.tell() - leave))

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def available(self) -> int:
        stats = os.statvfs(self.path)
        return stats.f_bavail * stats.f_frsize


@contextmanager
def small_disk(size_bytes: int) -> Iterator[SmallDisk]:
    """A tmpfs of `size_bytes` on a new directory, unmounted and removed on exit."""
    prefix = _privileged()
    mount_point = Path(tempfile.mkdtemp(prefix="intent-small-disk-"))
    options = f"size={size_bytes},mode=0755,uid={os.getuid()},gid={os.getgid()}"
    try:
        mounted = subprocess.run(
            [*prefix, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)],
            capture_output=True,
            text=True,
            check=False,
        )
        if mounted.returncode:
            unavailable(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
        try:
            yield SmallDisk(mount_point)
        finally:
            subprocess.run([*prefix, "umount", "--lazy", str(mount_point)], check=True)
    finally:
        shutil.rmtree(mount_point, ignore_errors=True)


def _privileged() -> list[str]:
    """The command prefix that may mount: none as root, else `sudo -n` when there is one."""
    if os.geteuid() == 0:
        return []
    if not shutil.which("sudo"):
        unavailable("mounting a small file system needs root or sudo")
    return ["sudo", "-n"]
