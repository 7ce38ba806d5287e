"""`intent serve` as a real process: refusing to start without data, and stopping cleanly."""

import signal
from pathlib import Path

import pytest

from data.storage import S3Settings
from tests import services
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


def test_serve_with_a_missing_bucket_names_it_and_exits_nonzero(tmp_path: Path) -> None:
    services.require(services.S3_PORT, "the S3 server")
    dataset = {"INTENT_DATASET": "s3://intent-no-such-bucket/dataset", **services.aws_env()}
    output = _refused_start(tmp_path, dataset)
    assert "'intent-no-such-bucket' does not exist at http://127.0.0.1:9000" in output


def test_serve_with_refused_credentials_says_so_and_exits_nonzero(
    tmp_path: Path, refusing_s3: S3Settings
) -> None:
    dataset = {
        "INTENT_DATASET": "s3://intent-data/dataset",
        "AWS_ENDPOINT_URL": refusing_s3.endpoint_url or "",
        "AWS_ACCESS_KEY_ID": refusing_s3.access_key_id or "",
        "AWS_SECRET_ACCESS_KEY": refusing_s3.secret_access_key or "",
        "AWS_REGION": refusing_s3.region or "",
    }
    output = _refused_start(tmp_path, dataset)
    assert f"'intent-data' at {refusing_s3.endpoint_url} refused the credentials" in output
    assert "AWS_ACCESS_KEY_ID" in output


def _refused_start(tmp_path: Path, dataset: dict[str, str]) -> str:
    """The output of an `intent serve` that refused to start (one line, no traceback)."""
    env = {"INTENT_HOME": str(tmp_path / "home"), **dataset}
    process = IntentProcess(["serve", "--port", str(free_port())], env, tmp_path / "serve.log")
    code = wait_for(process.exited, EXIT_SECONDS, "serve to refuse")
    output = process.output()
    assert code != 0
    assert "Traceback" not in output
    return output


def test_serve_with_snapshots_in_a_missing_bucket_names_it_and_exits_nonzero(
    tmp_path: Path, e2e_dataset: Path
) -> None:
    services.require(services.S3_PORT, "the S3 server")
    settings = {
        "INTENT_DATASET": str(e2e_dataset),
        "INTENT_SNAPSHOTS": "s3://intent-no-such-snapshots/runs",
        **services.aws_env(),
    }
    output = _refused_start(tmp_path, settings)
    assert "'intent-no-such-snapshots' does not exist at http://127.0.0.1:9000" in output


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


def test_serve_processes_stop_when_their_supervisor_is_killed(
    tmp_path: Path, intent_env: dict[str, str]
) -> None:
    port = free_port()
    args = ["serve", "--port", str(port), "--workers", "2"]
    process = IntentProcess(args, intent_env, tmp_path / "serve.log")
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}")
        wait_for(lambda: _started_servers(process) == 2 or None, EXIT_SECONDS, "two servers")
        children = _children(process.popen.pid)
        assert len(children) >= 2, children
    finally:
        process.stop(signal.SIGKILL)
    wait_for(lambda: not any(_alive(pid) for pid in children) or None, EXIT_SECONDS, "orphans")
    assert "supervising process" in process.output()


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc), the API processes among them."""
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has exited; its parent just did not reap it
