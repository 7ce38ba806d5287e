"""`intent demo` (what `make demo` runs) as a real process in a temporary INTENT_HOME."""

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.processes import intent_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DEMO_SECONDS = 120


def run_demo(home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [intent_command(), "demo"],
        env={"INTENT_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=DEMO_SECONDS,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def first_demo(demo_home: Path) -> subprocess.CompletedProcess[str]:
    return run_demo(demo_home)


def test_demo_exits_zero_and_prints_counts_stats_results_and_export_paths(
    first_demo: subprocess.CompletedProcess[str],
) -> None:
    assert first_demo.returncode == 0, first_demo.stderr[-3000:]
    out = first_demo.stdout
    assert re.search(r"\d+ candidates, \d+ results", out)
    for heading in ("fill rates:", "score histogram:", "first 5 results:"):
        assert heading in out
    exports = re.findall(r"^  (?:csv|parquet) +(\S+)$", out, flags=re.MULTILINE)
    assert len(exports) == 2
    assert all(Path(path).stat().st_size > 0 for path in exports)


def test_demo_runs_again_on_the_dataset_it_generated_before(
    first_demo: subprocess.CompletedProcess[str], demo_home: Path
) -> None:
    again = run_demo(demo_home)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "generating" not in again.stdout
    assert re.search(r"\d+ candidates, \d+ results", again.stdout)
