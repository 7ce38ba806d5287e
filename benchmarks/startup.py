"""Start-up as whole processes: `intent --help`, `intent run` of one audience of the bench mix and
the two hand-written peers on the same audience, with the floors they stand on (a bare
interpreter, importing each engine library), in interleaved rounds.

    python -m benchmarks.startup [--dataset bench-data/s1] [--audience selective] [--repeat 5]
        [--intent OTHER/.venv/bin/intent]   # add another checkout's `intent run` to compare

Prints one line per command (median and range of wall seconds) and the ratios of issue 10's
targets: `intent run` over each peer.
"""

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.api_server import intent_script
from benchmarks.audiences import audience_mix
from benchmarks.figures import fmt, spread
from benchmarks.process import measure
from benchmarks.suite import PEER_MODULES, topic_popularity
from data.catalog import DatasetCatalog


def commands(
    dataset: Path,
    day: str,
    audience: str,
    config: dict[str, object],
    work: Path,
    backend: str,
    other: str | None = None,
) -> dict[str, list[str]]:
    """Name -> argv; outputs go under `work` (each removed after its run)."""
    (work / "config.json").write_text(json.dumps(config))
    intent = intent_script()
    run = ["run", "--config", str(work / "config.json"), "--dataset", str(dataset), "--date", day]
    run += ["--backend", backend, "--out", str(work / "intent-out"), "--json"]
    found = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import pyarrow": [sys.executable, "-c", "import pyarrow"],
        "import polars": [sys.executable, "-c", "import polars"],
        "import duckdb": [sys.executable, "-c", "import duckdb"],
        "intent --help": [intent, "--help"],
        "intent run": [intent, *run],
    }
    if other is not None:
        found["other intent run"] = [other, *found["intent run"][1:]]
    for tool, module in PEER_MODULES.items():
        out = work / f"{tool.replace(' ', '-')}.parquet"
        found[tool] = [sys.executable, "-m", module, audience, str(dataset), day,
                       json.dumps(config), str(out)]  # fmt: skip
    return found


def _clean(work: Path) -> None:
    for path in work.iterdir():
        if path.name != "config.json":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--dataset", type=Path, default=Path("bench-data/s1"))
    parser.add_argument("--audience", default="selective", help="a shape of the bench mix")
    parser.add_argument("--backend", default="auto", help="intent run --backend (default auto)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--intent", help="another `intent` script whose run is measured beside")
    args = parser.parse_args(argv)
    day = DatasetCatalog(args.dataset).latest_complete_date()
    if day is None:
        parser.error(f"{args.dataset}: no complete data date")
    config = audience_mix(topic_popularity(args.dataset, day))[args.audience]
    seconds: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="intent-startup-") as tmp:
        work = Path(tmp)
        argvs = commands(args.dataset, day, args.audience, config, work, args.backend, args.intent)
        for _ in range(args.repeat):
            for name, cmd in argvs.items():
                measured = measure(cmd)
                seconds.setdefault(name, []).append(measured.seconds)
                cpu.setdefault(name, []).append(measured.cpu_seconds)
                _clean(work)
    medians = {name: spread(values) for name, values in seconds.items()}
    print(f"{args.dataset} {day} {args.audience}: {json.dumps(config)}")
    print(f"{'':16} {'wall s':>22} {'CPU s':>22}")
    for name, figure in medians.items():
        print(f"{name:16} {fmt(figure, 3):>22} {fmt(spread(cpu[name]), 3):>22}")
    for run in ("intent run", "other intent run"):
        for tool in PEER_MODULES:
            if run in medians:
                ratio = medians[run]["median"] / medians[tool]["median"]
                print(f"{run} / {tool}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
