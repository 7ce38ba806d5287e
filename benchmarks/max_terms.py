"""Preview and run with the most job-title terms a config may have (issue 12's target: at most 1 s
at scale 1), in process (warm) and as whole processes, against the same config with one term.

    python -m benchmarks.max_terms [--dataset bench-data/s1] [--repeat 3] [--topics 3]
        [--backends polars,duckdb] [--operator contains] [--mode any]

The terms: `jobTitle.include` and `jobTitle.exclude` with `MAX_FILTER_VALUES` terms each, made
of words of the dataset's own job titles (a few match) and random lower-case strings (most do
not). The topics: the `--topics` most researched ones, from 3 up to `MAX_TOPICS`.
"""

import argparse
import contextlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks.api_server import intent_script
from benchmarks.figures import fmt, spread
from benchmarks.process import measure
from benchmarks.suite import topic_popularity
from cli.main import main as intent
from data.catalog import DatasetCatalog
from engine.filters import MAX_FILTER_VALUES, MAX_TOPICS

SEED = 12


def title_words(people_files: Sequence[str], limit: int = 200) -> list[str]:
    """The most common words of the first people file's job titles."""
    first = people_files[0]
    titles = pq.read_table(first, columns=["job_title"]).column("job_title").to_pylist()
    counts: dict[str, int] = {}
    for title in titles:
        for word in (title or "").lower().split():
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda word: (-counts[word], word))[:limit]


def terms(words: Sequence[str], count: int, rng: random.Random) -> list[str]:
    """`count` distinct terms: a tenth of them real words, the rest random strings."""
    real = list(words[: count // 10])
    letters = "abcdefghijklmnopqrstuvwxyz"
    made: set[str] = set()
    while len(made) < count - len(real):
        made.add("".join(rng.choice(letters) for _ in range(rng.randint(5, 12))))
    return real + sorted(made)


def configs(
    topics: list[int], words: Sequence[str], operator: str, mode: str
) -> dict[str, dict[str, Any]]:
    """The config with the most terms, and the same with one term in each filter."""
    rng = random.Random(SEED)
    include = terms(words, MAX_FILTER_VALUES, rng)
    exclude = terms(words[MAX_FILTER_VALUES // 10 :], MAX_FILTER_VALUES, rng)

    def config(inc: list[str], exc: list[str]) -> dict[str, Any]:
        match = {"operator": operator, "mode": mode}
        return {
            "topicIds": topics,
            "filters": {
                "jobTitle.include": {"values": inc, **match},
                "jobTitle.exclude": {"values": exc, **match},
            },
        }

    return {
        f"{MAX_FILTER_VALUES} terms": config(include, exclude),
        "1 term": config(include[:1], exclude[-1:]),
    }


Timing = tuple[float, float]  # wall seconds, CPU seconds (every thread)


def in_process(argv: list[str]) -> Timing:
    """`intent ARGV` in this (warm) process, its output discarded."""
    start, cpu = time.perf_counter(), time.process_time()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            intent(argv)
    except SystemExit as exited:
        if exited.code:
            raise RuntimeError(f"intent {' '.join(argv)} exited {exited.code}") from None
    return time.perf_counter() - start, time.process_time() - cpu


def whole_process(argv: list[str]) -> Timing:
    measured = measure([intent_script(), *argv])
    return measured.seconds, measured.cpu_seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.max_terms", description=__doc__)
    parser.add_argument("--dataset", type=Path, default=Path("bench-data/s1"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--topics", type=int, default=3, help=f"1-{MAX_TOPICS} (default 3)")
    parser.add_argument("--backends", default="polars,duckdb")
    parser.add_argument("--operator", default="contains", help="contains|equals|startsWith")
    parser.add_argument("--mode", default="any", help="any|all")
    args = parser.parse_args(argv)
    catalog = DatasetCatalog(args.dataset)
    day = catalog.latest_complete_date()
    if day is None:
        parser.error(f"{args.dataset}: no complete data date")
    top = topic_popularity(args.dataset, day)
    topics = top[: args.topics] if args.topics <= len(top) else sorted(catalog.topic_ids())
    topics = topics[: args.topics]
    words = title_words(catalog.resolve(day).people_files)
    found: dict[str, list[Timing]] = {}
    cases: dict[str, Callable[[list[str]], Timing]] = {
        "in process": in_process,
        "whole process": whole_process,
    }
    shapes = configs(topics, words, args.operator, args.mode)
    with tempfile.TemporaryDirectory(prefix="intent-max-terms-") as tmp:
        work = Path(tmp)
        out = work / "out"
        for round_ in range(args.repeat + 1):  # round 0 warms this process up, not counted
            for name, config in shapes.items():
                file = work / "config.json"
                file.write_text(json.dumps(config))
                for backend in args.backends.split(","):
                    common = ["--config", str(file), "--dataset", str(args.dataset),
                              "--date", day, "--backend", backend]  # fmt: skip
                    commands = {
                        "preview": ["preview", *common],
                        "run": ["run", *common, "--out", str(out), "--json"],
                    }
                    for command, argv_ in commands.items():
                        for case, timed in cases.items():
                            if round_ == 0 and case == "whole process":
                                continue
                            timing = timed(argv_)
                            shutil.rmtree(out, ignore_errors=True)
                            if round_:
                                label = f"{name:9} {backend:6} {command:7} {case}"
                                found.setdefault(label, []).append(timing)
    print(
        f"{args.dataset} {day}: {len(topics)} topics, {args.operator}/{args.mode}", file=sys.stderr
    )
    print(f"{'':40} {'wall s':>22} {'CPU s':>22}")
    for name, timings in sorted(found.items()):
        wall = fmt(spread([w for w, _ in timings]), 3)
        cpu = fmt(spread([c for _, c in timings]), 3)
        print(f"{name:40} {wall:>22} {cpu:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
