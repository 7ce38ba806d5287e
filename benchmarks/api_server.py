"""The server under load: a real `intent serve` process on loopback, its API key, its memory.

The load comes from another process (the benchmark's), so client work never shares the
server's interpreter.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import httpx

from data.metadata.connect import open_store
from jobs import accounts

READY_SECONDS: Final = 120.0
STOP_SECONDS: Final = 60.0
UNLIMITED_RATE: Final = "100000000"  # the per-key limit would otherwise be what is measured


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    api_key: str

    def rss_mib(self) -> float:
        """Resident memory of the server process now (Linux /proc)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


@contextmanager
def running_server(
    home: Path,
    dataset: Path,
    env: Mapping[str, str],
    workers: int = 1,
    command: Sequence[str] | None = None,
) -> Iterator[Server]:
    """`intent serve --workers N` with INTENT_HOME=`home` plus `env`; stopped (SIGTERM) on exit.
    With several workers, `rss_mib` is that of the supervising process only. `command` replaces
    `intent serve` by another program taking the same arguments."""
    settings_env = {
        "INTENT_HOME": str(home),
        "INTENT_DATASET": str(dataset),
        "INTENT_RATE_LIMIT_PER_MINUTE": UNLIMITED_RATE,
        **env,
    }
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    with (home / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [
                *(command or [intent_script(), "serve"]),
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env={**os.environ, **settings_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(process, url)
        yield Server(url, process.pid, _api_key(settings_env, home))
    finally:
        process.terminate()
        process.wait(STOP_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _api_key(env: Mapping[str, str], home: Path) -> str:
    url = env.get("INTENT_DATABASE_URL") or f"sqlite:///{home / 'intent.db'}"
    store = open_store(url, upgrade=False)
    now = datetime.now(UTC)
    if store.find_organization("bench") is None:  # a later server on the same home
        accounts.create_organization(store, "bench", 1000, now)
    return accounts.create_api_key(store, "bench", now)[1]


def _wait_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"intent serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"intent serve was not ready within {READY_SECONDS:g} s")


def intent_script() -> str:
    found = shutil.which("intent", path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError("the `intent` console script is not installed beside this Python")
    return found
