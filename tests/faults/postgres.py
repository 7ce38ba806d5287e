"""A private PostgreSQL server for tests that stop or restart it: a cluster made by initdb in a
temporary directory, on a free loopback port, driven by pg_ctl. The machine's shared server on
5432 is never touched. PostgreSQL refuses to run as root, so as root it runs as `postgres`."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from tests.e2e.processes import free_port
from tests.services import unavailable

BIN_DIRS: Final = "/usr/lib/postgresql/*/bin"
SERVICE_USER: Final = "postgres"
SETTINGS: Final = (
    "listen_addresses = '127.0.0.1'",
    "fsync = off",  # a crash of the server, never of the machine, is what the tests inject
    "max_connections = 50",
)


class PrivatePostgres:
    """One cluster directory and port; `stop` and `start` may be called any number of times."""

    def __init__(self, bin_dir: Path, root: Path, port: int, as_user: list[str]) -> None:
        self.bin_dir = bin_dir
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self._as_user = as_user

    def initdb(self) -> None:
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync")
        settings = [*SETTINGS, f"port = {self.port}", f"unix_socket_directories = '{self.data}'"]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is a crash: connections drop with no goodbye and the next start recovers."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def _run(self, tool: str, *args: object) -> None:
        command = [*self._as_user, str(self.bin_dir / tool), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise AssertionError(f"{tool} failed: {done.stdout}{done.stderr}{log}")


def postgres_bin() -> Path | None:
    """The newest installed server's binaries (Debian's layout), or None."""
    found = sorted(glob.glob(BIN_DIRS), key=lambda path: int(Path(path).parent.name))
    return Path(found[-1]) if found else None


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started private server; stopped and removed on exit. Skips (or fails when services are
    required) if PostgreSQL's server binaries are not installed."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        unavailable(f"no PostgreSQL server binaries under {BIN_DIRS}")
    root = Path(tempfile.mkdtemp(prefix="intent-private-pg-"))
    server = PrivatePostgres(bin_dir, root, free_port(), _service_user(root))
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        if (server.data / "postmaster.pid").exists():
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _service_user(root: Path) -> list[str]:
    """The command prefix that runs the server tools; as root, the directory goes to postgres."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam(SERVICE_USER)
    os.chown(root, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", SERVICE_USER, "--"]
