"""Lean start-up: `intent run`, `intent --help` and the worker import only what they use."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

from tests.cli_run.conftest import BUSY_TOPICS

# Runs the console script's entry point in a fresh interpreter and reports what it imported.
PROBE = """
import json, sys
from cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exited:
    code = exited.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "data", "jobs", "api", "cli", "benchmarks")
PANDAS_IMPORT = re.compile(r"^\s*(import pandas|from pandas)\b", re.MULTILINE)
# pyarrow imports pandas on its first array whenever pandas is installed (a `bench` extra):
# with it, only our own imports can be checked.
PANDAS_INSTALLED = importlib.util.find_spec("pandas") is not None


def _imported(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True
    )
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return int(got["code"] or 0), set(got["modules"])


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


# What no `intent run` imports, whatever its backend: the API, the queue, the metadata store,
# plots, the progress bar's library when stderr is not a terminal, worker processes.
NEVER_IN_A_RUN = {"litestar", "dramatiq", "sqlalchemy", "matplotlib", "rich", "httpx"}


def _run(dataset: Path, tmp_path: Path, backend: str) -> set[str]:
    config = tmp_path / "audience.json"
    config.write_text(json.dumps({"topicIds": BUSY_TOPICS[:3]}))
    out = tmp_path / "out"
    code, modules = _imported(
        "run", "--config", str(config), "--dataset", str(dataset), "--out", str(out),
        "--backend", backend,
    )  # fmt: skip
    assert code == 0
    assert (out / "results.parquet").is_file()
    assert not _top(modules) & NEVER_IN_A_RUN
    assert PANDAS_INSTALLED or "pandas" not in _top(modules)
    return modules


def test_a_polars_run_imports_polars_and_not_duckdb(dataset: Path, tmp_path: Path) -> None:
    modules = _run(dataset, tmp_path, "polars")
    assert "polars" in modules
    assert "duckdb" not in _top(modules)
    assert "engine.backends.duckdb_backend" not in modules
    # DuckDB's Arrow exchange imports pyarrow.dataset; a Polars run needs neither it, nor worker
    # processes, nor numpy's masked arrays
    assert not {"pyarrow.dataset", "multiprocessing", "numpy.ma"} & modules


def test_a_duckdb_run_imports_duckdb_and_not_polars(dataset: Path, tmp_path: Path) -> None:
    modules = _run(dataset, tmp_path, "duckdb")
    assert "duckdb" in modules
    assert "polars" not in _top(modules)


def test_intent_preview_alone_imports_the_preview(dataset: Path, tmp_path: Path) -> None:
    modules = _run(dataset, tmp_path, "polars")
    assert "engine.preview" not in modules
    config = tmp_path / "audience.json"
    code, modules = _imported("preview", "--config", str(config), "--dataset", str(dataset))
    assert code == 0
    assert "engine.preview" in modules


def test_intent_help_imports_no_engine_library() -> None:
    code, modules = _imported("--help")
    assert code == 0
    assert not _top(modules) & {"pandas", "pyarrow", "polars", "duckdb", "litestar", "dramatiq"}


def test_the_worker_imports_neither_duckdb_nor_the_api() -> None:
    probe = (
        "import json, sys\n"
        "import cli.cmd_worker, jobs.services, jobs.worker\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout))
    assert "cli.cmd_worker" in modules
    # Polars it uses itself, to build stored exports; runs compute in child processes
    assert not _top(modules) & {"pandas", "duckdb", "litestar", "rich", "httpx"}
    assert "engine.backends.polars_backend" not in modules


def test_the_run_process_server_has_every_backend_loaded_before_the_first_run() -> None:
    probe = (
        "import json, threading\n"
        "from jobs.isolation import child_context, run_in_child\n"
        "from jobs.services import RUN_PRELOAD\n"
        "from tests.cli_run.child_probe import engine_libraries_loaded\n"
        "found = run_in_child(child_context(RUN_PRELOAD), engine_libraries_loaded, None,\n"
        "                     time_limit=120, cancel=threading.Event())\n"
        "print(json.dumps(found))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["duckdb", "polars"]


def test_only_the_naive_baseline_imports_pandas() -> None:
    importers = [
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if PANDAS_IMPORT.search(path.read_text())
    ]
    assert importers == ["benchmarks/naive_pandas.py"]
