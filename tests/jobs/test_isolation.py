"""Work in a killable child process: results, errors, time limit, cancel, crash."""

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from jobs.errors import InternalError, RunTimedOut, WorkCancelled
from jobs.isolation import child_context, run_in_child
from tests.jobs import targets

ROOT = Path(__file__).resolve().parents[2]

CONTEXT = child_context(["tests.jobs.targets"])


def run(target, arg, *, time_limit: float = 30, cancel: threading.Event | None = None):
    return run_in_child(
        CONTEXT, target, arg, time_limit=time_limit, cancel=cancel or threading.Event()
    )


def test_child_result_comes_back() -> None:
    assert run(targets.double, 21) == 42


def test_work_runs_in_another_process() -> None:
    assert run(targets.pid_of_child, 0) != os.getpid()


def test_child_exception_is_raised_in_the_parent() -> None:
    order = SimpleNamespace(inputs=SimpleNamespace(topics_file="/data/topics.parquet"))
    with pytest.raises(PermissionError, match=re.escape("/data/topics.parquet")):
        run(targets.refuse, order)


def test_work_past_its_time_limit_is_stopped_with_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(RunTimedOut, match=r"time limit of 0\.5 s"):
        run(targets.hang, None, time_limit=0.5)
    assert time.monotonic() - started < 5


def test_cancel_stops_the_work() -> None:
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(WorkCancelled):
        run(targets.hang, None, cancel=cancel)


def test_child_that_dies_without_an_answer_is_an_internal_error() -> None:
    with pytest.raises(InternalError, match="exited with code -9"):
        run(targets.die, None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_child_exits_when_its_parent_is_killed(tmp_path) -> None:
    pid_file = tmp_path / "child.pid"
    code = f"from tests.jobs.targets import parent_main; parent_main({str(pid_file)!r})"
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    try:
        assert _wait_for(lambda: pid_file.exists() and pid_file.read_text() != "")
        child = int(pid_file.read_text())
        parent.kill()
        parent.wait()
        assert _wait_for(lambda: not _alive(child))
    finally:
        parent.kill()
        parent.wait()


@pytest.mark.parametrize("target", [targets.duckdb_for_hours, targets.polars_for_minutes])
def test_time_limit_stops_native_engine_work(target) -> None:
    started = time.monotonic()
    with pytest.raises(RunTimedOut):
        run(target, None, time_limit=1)
    assert time.monotonic() - started < 10


def test_run_environment_caps_polars_threads_in_a_child_of_a_preloaded_server() -> None:
    code = "from tests.jobs.targets import polars_threads_main; polars_threads_main(3)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "3"


def test_children_of_a_main_module_run_with_dash_m_do_not_import_its_imports_again(
    tmp_path,
) -> None:
    record = tmp_path / "imports"
    env = {**os.environ, "INTENT_PROBE_RECORD": str(record)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.jobs.main_probe"],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    children = json.loads(done.stdout.strip().splitlines()[-1])
    importers = [int(line) for line in record.read_text().split()]
    assert len(children) == 2
    assert not set(children) & set(importers)  # the server imported it once, before them
    assert len(importers) == 2  # the main process and the server
