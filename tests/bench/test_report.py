"""`intent bench --quick --report DIR` writes a whole report, and `intent bench compare` flags
regressions between two of them."""

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from benchmarks.compare import regressions
from benchmarks.figures import growth_exponent

pytestmark = pytest.mark.slow
QUICK_SECONDS = 60.0
MIN_PLOT_SIZE = (400, 250)


def _intent(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    script = shutil.which("intent", path=str(Path(sys.executable).parent))
    assert script is not None
    return subprocess.run([script, *map(str, argv)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The quick report's directory and how long `intent bench --quick` took."""
    root = tmp_path_factory.mktemp("bench")
    started = time.monotonic()
    done = _intent("bench", "--quick", "--report", root / "report", "--data-dir", root / "data")
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "report", elapsed


def test_quick_report_references_at_least_four_plots_that_open(
    quick_report: tuple[Path, float],
) -> None:
    report, _ = quick_report
    text = (report / "report.md").read_text()
    plots = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert len(plots) >= 4
    for name in plots:
        with Image.open(report / name) as image:
            assert image.format == "PNG"
            assert image.size[0] >= MIN_PLOT_SIZE[0]
            assert image.size[1] >= MIN_PLOT_SIZE[1]


def test_quick_report_shows_the_machine_and_the_peers_agreement(
    quick_report: tuple[Path, float],
) -> None:
    report, _ = quick_report
    text = (report / "report.md").read_text()
    assert "cores" in text
    assert "DuckDB" in text
    assert "Polars" in text
    results = json.loads((report / "results.json").read_text())
    selective = results["scales"][0]["audiences"]["selective"]
    assert {"intent run", "polars peer", "duckdb peer"} <= set(selective["tools"])
    assert selective["agree"]
    assert "## Agreement" in text


def test_quick_report_takes_at_most_a_minute(quick_report: tuple[Path, float]) -> None:
    _, elapsed = quick_report
    if elapsed > QUICK_SECONDS:
        # On a shared machine the figure says little: report it instead of failing on it.
        pytest.xfail(f"intent bench --quick took {elapsed:.0f} s (busy machine?)")


def _with_regression(results: dict[str, Any], name: str, factor: float) -> dict[str, Any]:
    planted = json.loads(json.dumps(results))
    planted["figures"][name]["median"] *= factor
    return planted


def test_compare_flags_a_planted_twenty_percent_regression(
    quick_report: tuple[Path, float], tmp_path: Path
) -> None:
    report, _ = quick_report
    old = report / "results.json"
    results = json.loads(old.read_text())
    name = next(n for n, f in results["figures"].items() if f["better"] == "lower")
    new = tmp_path / "new.json"
    new.write_text(json.dumps(_with_regression(results, name, 1.2)))
    done = _intent("bench", "compare", old, new)
    assert done.returncode == 1
    assert name in done.stdout


def test_compare_passes_identical_reports(quick_report: tuple[Path, float]) -> None:
    report, _ = quick_report
    done = _intent("bench", "compare", report / "results.json", report / "results.json")
    assert done.returncode == 0, done.stdout


def test_compare_counts_a_lower_throughput_as_worse() -> None:
    old = {"x": {"median": 100.0, "better": "higher"}}
    assert regressions(old, {"x": {"median": 80.0, "better": "higher"}})
    assert not regressions(old, {"x": {"median": 95.0, "better": "higher"}})


def test_growth_exponent_of_a_square_law_is_two() -> None:
    exponent = growth_exponent([1e6, 3e6, 1e7], [1.0, 9.0, 100.0])
    assert exponent == pytest.approx(2.0)
