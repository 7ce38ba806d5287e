"""Real `intent` processes for end-to-end tests: started with their own environment and log
file, waited for with deadlines, and always stopped (SIGTERM, then SIGKILL)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, TypeVar

import httpx

T = TypeVar("T")
POLL_SECONDS: Final = 0.05
STOP_SECONDS: Final = 30.0


def intent_command() -> str:
    """The console script installed beside the interpreter running the tests."""
    found = shutil.which("intent", path=str(Path(sys.executable).parent))
    assert found, "the `intent` console script is not installed in this environment"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """The first non-None value of `check()`, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(POLL_SECONDS)


class IntentProcess:
    """One `intent ...` child process whose output goes to `log`."""

    def __init__(self, args: list[str], env: Mapping[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                [intent_command(), *args],
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def exited(self) -> int | None:
        return self.popen.poll()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send `sig`, wait for the exit code; kill it if it does not stop in time."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        try:
            return self.popen.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise AssertionError(
                f"process ignored signal {sig}:\n{self.output()[-3000:]}"
            ) from None


def wait_until_ready(process: IntentProcess, base_url: str, timeout: float = 60.0) -> None:
    """Poll `GET /ready` until it answers 200; fail early when the process exits."""

    def ready() -> bool | None:
        code = process.exited()
        assert code is None, f"server exited with {code}:\n{process.output()[-3000:]}"
        try:
            return httpx.get(f"{base_url}/ready", timeout=2.0).status_code == 200 or None
        except httpx.TransportError:
            return None

    wait_for(ready, timeout, f"{base_url}/ready")
