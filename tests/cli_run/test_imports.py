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


def test_intent_run_imports_neither_pandas_nor_the_api_nor_the_queue(
    dataset: Path, tmp_path: Path
) -> None:
    config = tmp_path / "audience.json"
    config.write_text(json.dumps({"topicIds": BUSY_TOPICS[:3]}))
    code, modules = _imported(
        "run", "--config", str(config), "--dataset", str(dataset), "--out", str(tmp_path / "out")
    )
    assert code == 0
    assert (tmp_path / "out" / "results.parquet").is_file()
    assert not _top(modules) & {"litestar", "dramatiq", "sqlalchemy", "matplotlib"}
    assert "pyarrow.dataset" not in modules
    assert PANDAS_INSTALLED or "pandas" not in _top(modules)


def test_intent_help_imports_no_engine_library() -> None:
    code, modules = _imported("--help")
    assert code == 0
    assert not _top(modules) & {"pandas", "pyarrow", "polars", "duckdb", "litestar", "dramatiq"}


def test_only_the_naive_baseline_imports_pandas() -> None:
    importers = [
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if PANDAS_IMPORT.search(path.read_text())
    ]
    assert importers == ["benchmarks/naive_pandas.py"]
