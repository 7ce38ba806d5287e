"""Starting `intent worker` and `intent scheduler` as real processes, and stopping them surely."""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

INTENT = str(Path(sys.executable).with_name("intent"))


def intent_env(home: Path, dataset: Path, database_url: str, broker_url: str, **extra: str) -> dict:
    """The process environment: ours without any INTENT_* variable, then the given settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("INTENT_")}
    env.update(
        INTENT_HOME=str(home),
        INTENT_DATASET=str(dataset),
        INTENT_DATABASE_URL=database_url,
        INTENT_BROKER_URL=broker_url,
        INTENT_SIGNING_SECRET="test-secret",
        INTENT_QUEUE_NAME=f"intent-test-{uuid.uuid4().hex[:12]}",
    )
    env.update(extra)
    return env


@contextmanager
def running(args: list[str], env: Mapping[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`intent *args` for the duration of the block; killed at the end whatever happens."""
    with log.open("ab") as out:
        process = subprocess.Popen([INTENT, *args], env=dict(env), stdout=out, stderr=out)
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen, grace: float = 10.0) -> int:
    """SIGTERM, then SIGKILL if it has not exited within `grace` seconds; the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait()
