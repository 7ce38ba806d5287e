"""Budgets and slow clients against real `intent serve` processes: the rate limit is counted
once for all API processes (in Redis), and a body that never arrives does not hold a server."""

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from data.metadata.connect import open_store
from jobs import accounts
from tests.e2e.conftest import StartIntent
from tests.e2e.processes import free_port, wait_for, wait_until_ready

pytestmark = pytest.mark.e2e
LIMIT = 20
HEADER_TIMEOUT = 1  # seconds: the test waits for it (the default, 10 s, is a setting's)
TIMER_SLACK = 0.05  # seconds a loop timer may fire early (see below)


def _key(intent_env: dict[str, str]) -> str:
    store = open_store(intent_env["INTENT_DATABASE_URL"], upgrade=False)
    now = datetime.now(UTC)
    accounts.create_organization(store, "limits", 10, now)
    return accounts.create_api_key(store, "limits", now)[1]


def _serve(start_intent: StartIntent, intent_env: dict[str, str], *args: str) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_intent("serve", ["serve", "--port", str(port), *args])
    wait_until_ready(process, url)
    if "--workers" in args:
        wait_for(
            lambda: process.output().count("Application startup complete") == 2 or None,
            60,
            "two API processes",
        )
    return url


@pytest.fixture
def limited_env(intent_env: dict[str, str]) -> dict[str, str]:
    intent_env["INTENT_RATE_LIMIT_PER_MINUTE"] = str(LIMIT)
    intent_env["INTENT_BODY_TIMEOUT_SECONDS"] = "1"
    intent_env["INTENT_HEADER_TIMEOUT_SECONDS"] = str(HEADER_TIMEOUT)
    return intent_env


def test_two_api_processes_share_one_budget_per_key(
    start_intent: StartIntent, limited_env: dict[str, str]
) -> None:
    url = _serve(start_intent, limited_env, "--workers", "2")
    headers = {"x-api-key": _key(limited_env)}
    statuses = []
    for _ in range(3 * LIMIT):  # a new connection each time: both processes get some
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            statuses.append(http.get("/v1/intent/audiences").status_code)
    assert statuses.count(200) == LIMIT
    assert set(statuses[LIMIT:]) == {429}


def _raw_post(port: int, key: str | None) -> socket.socket:
    """A POST that announces a 100-byte body and sends none of it."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key_line = f"x-api-key: {key}\r\n" if key else ""
    request = (
        "POST /v1/intent/audiences HTTP/1.1\r\nHost: t\r\ncontent-type: application/json\r\n"
        f"{key_line}content-length: 100\r\n\r\n"
    )
    sock.sendall(request.encode())
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


@pytest.mark.parametrize("with_key", [True, False])
def test_a_body_that_never_arrives_is_answered_and_the_connection_closed(
    start_intent: StartIntent, limited_env: dict[str, str], with_key: bool, tmp_path: Path
) -> None:
    url = _serve(start_intent, limited_env)
    key = _key(limited_env) if with_key else None
    started = time.monotonic()
    with _raw_post(int(url.rsplit(":", 1)[1]), key) as sock:
        reply = _read_until_closed(sock)
    elapsed = time.monotonic() - started
    expected = b"HTTP/1.1 408" if with_key else b"HTTP/1.1 401"
    assert reply.startswith(expected), reply[:200]
    assert elapsed < 5


def test_headers_that_never_end_lose_the_connection_within_the_header_deadline(
    start_intent: StartIntent, limited_env: dict[str, str]
) -> None:
    url = _serve(start_intent, limited_env)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=30) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")  # and never the blank line
        assert _read_until_closed(sock) == b""
    # The event loop (uvloop: libuv) schedules from its cached time, in milliseconds, so a
    # timer may fire a little before its delay has passed by this process's clock.
    assert HEADER_TIMEOUT - TIMER_SLACK <= time.monotonic() - started < HEADER_TIMEOUT + 5
