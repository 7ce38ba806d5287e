"""End-to-end fixtures: one generated dataset per session, real `intent` processes on Redis and
a fresh PostgreSQL database, an organization's API key and an HTTP client with it."""

import signal
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from cli.demo_data import popular_topics
from data.generator import generate
from data.metadata.connect import open_store
from jobs import accounts
from tests.e2e.processes import IntentProcess, free_port, wait_until_ready

StartIntent = Callable[[str, list[str]], IntentProcess]


@pytest.fixture(scope="session")
def e2e_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 people, 300 topics, two days."""
    out = tmp_path_factory.mktemp("e2e") / "dataset"
    generate(out, scale=0.001, days=2, end_date=date(2026, 11, 27), seed=5, topics=300)
    return out


@pytest.fixture(scope="session")
def topic_ids(e2e_dataset: Path) -> list[int]:
    return popular_topics(e2e_dataset, 5)


@pytest.fixture
def intent_env(
    tmp_path: Path, e2e_dataset: Path, postgres_url: str, redis_url: str
) -> dict[str, str]:
    """Settings of every process of one test: its own database and its own queue."""
    return {
        "INTENT_HOME": str(tmp_path / "home"),
        "INTENT_DATABASE_URL": postgres_url,
        "INTENT_BROKER_URL": redis_url,
        "INTENT_DATASET": str(e2e_dataset),
        "INTENT_QUEUE_NAME": f"e2e-{uuid.uuid4().hex[:12]}",
        "INTENT_TICK_SECONDS": "1",
        "INTENT_WORKER_THREADS": "1",
    }


@pytest.fixture
def start_intent(tmp_path: Path, intent_env: dict[str, str]) -> Iterator[StartIntent]:
    """`start_intent(name, args)`: an `intent` process, killed when the test ends (graceful
    stops have their own test; killing keeps the suite fast)."""
    started: list[IntentProcess] = []

    def start(name: str, args: list[str]) -> IntentProcess:
        process = IntentProcess(args, intent_env, tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop(signal.SIGKILL)


@pytest.fixture
def server_url(start_intent: StartIntent) -> str:
    """A running `intent serve` (it only serves and enqueues: a broker is configured)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(start_intent("serve", ["serve", "--port", str(port)]), url)
    return url


@pytest.fixture
def api_key(intent_env: dict[str, str], server_url: str) -> str:
    """A key of a new organization, made through the use case the CLI calls."""
    store = open_store(intent_env["INTENT_DATABASE_URL"], upgrade=False)
    now = datetime.now(UTC)
    accounts.create_organization(store, "e2e", 10, now)
    return accounts.create_api_key(store, "e2e", now)[1]


@pytest.fixture
def client(server_url: str, api_key: str) -> Iterator[httpx.Client]:
    headers = {"x-api-key": api_key}
    with httpx.Client(base_url=f"{server_url}/v1/intent", headers=headers, timeout=30) as http:
        yield http
