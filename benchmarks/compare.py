"""`intent bench compare OLD.json NEW.json`: every figure that got worse by 10% or more."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

THRESHOLD: Final = 0.10


def worse_by(old: dict[str, Any], new: dict[str, Any]) -> float:
    """How much worse `new` is than `old` as a fraction (negative: better)."""
    before, after = float(old["median"]), float(new["median"])
    if before <= 0 or after <= 0:
        return 0.0
    return after / before - 1 if old["better"] == "lower" else before / after - 1


def regressions(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], threshold: float = THRESHOLD
) -> list[tuple[str, float, float, float]]:
    """(name, old median, new median, fraction worse) of figures in both, worst first."""
    found = [
        (
            name,
            float(old[name]["median"]),
            float(new[name]["median"]),
            worse_by(old[name], new[name]),
        )
        for name in sorted(old.keys() & new.keys())
    ]
    return sorted((r for r in found if r[3] >= threshold - 1e-12), key=lambda r: -r[3])


def run(args: argparse.Namespace) -> int:
    old = json.loads(Path(args.old).read_text())["figures"]
    new = json.loads(Path(args.new).read_text())["figures"]
    worse = regressions(old, new, args.threshold / 100)
    only = sorted(old.keys() ^ new.keys())
    print(f"{len(old.keys() & new.keys())} figures compared; {len(worse)} worse by "
          f">= {args.threshold:g}%")  # fmt: skip
    for name, before, after, fraction in worse:
        print(f"  {name}: {before:.4g} -> {after:.4g} ({fraction:+.0%} worse)")
    if only:
        print(f"{len(only)} figures in only one report (not compared)", file=sys.stderr)
    return 1 if worse else 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", type=Path, metavar="OLD.json", help="results.json of the earlier report")
    p.add_argument("new", type=Path, metavar="NEW.json", help="results.json of the later report")
    p.add_argument("--threshold", type=float, default=THRESHOLD * 100, help="percent (default 10)")
