"""`intent serve` as a real process: refusing to start without data, and stopping cleanly."""

import signal
from pathlib import Path

import pytest

from tests.e2e.processes import IntentProcess, free_port, wait_for, wait_until_ready

pytestmark = pytest.mark.e2e
EXIT_SECONDS = 60.0


def test_serve_without_a_dataset_says_how_to_generate_one_and_exits_nonzero(
    tmp_path: Path,
) -> None:
    env = {"INTENT_HOME": str(tmp_path / "home")}
    process = IntentProcess(["serve", "--port", str(free_port())], env, tmp_path / "serve.log")
    code = wait_for(process.exited, EXIT_SECONDS, "serve to refuse")
    assert code != 0
    assert f"intent data generate --out {tmp_path / 'home' / 'dataset'}" in process.output()


def test_embedded_serve_stops_with_exit_code_zero_on_sigterm(
    tmp_path: Path, e2e_dataset: Path
) -> None:
    env = {"INTENT_HOME": str(tmp_path / "home"), "INTENT_DATASET": str(e2e_dataset)}
    port = free_port()
    process = IntentProcess(["serve", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}")
    finally:
        code = process.stop(signal.SIGTERM)
    assert code == 0, process.output()[-3000:]


def test_serve_with_several_workers_needs_a_broker(tmp_path: Path, e2e_dataset: Path) -> None:
    env = {"INTENT_HOME": str(tmp_path / "home"), "INTENT_DATASET": str(e2e_dataset)}
    args = ["serve", "--port", str(free_port()), "--workers", "2"]
    process = IntentProcess(args, env, tmp_path / "serve.log")
    code = wait_for(process.exited, EXIT_SECONDS, "serve to refuse")
    assert code != 0
    assert "INTENT_BROKER_URL" in process.output()


def test_serve_with_two_workers_serves_from_two_processes_and_stops_on_sigterm(
    tmp_path: Path, intent_env: dict[str, str]
) -> None:
    port = free_port()
    args = ["serve", "--port", str(port), "--workers", "2"]
    process = IntentProcess(args, intent_env, tmp_path / "serve.log")
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}")
        wait_for(lambda: _started_servers(process) == 2 or None, EXIT_SECONDS, "two servers")
    finally:
        code = process.stop(signal.SIGTERM)
    assert code == 0, process.output()[-3000:]


def _started_servers(process: IntentProcess) -> int:
    return process.output().count("Application startup complete")
