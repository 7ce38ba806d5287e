"""`intent bench`: the benchmark suite (run it alone on a quiet machine)."""

import argparse
from typing import Any

from benchmarks import suite
from cli.progress import progress_bar


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    p = commands.add_parser(
        "bench",
        help="benchmark the backends against a naive pandas baseline",
        description=suite.__doc__,
    )
    suite.add_arguments(p)
    p.set_defaults(handler=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    with progress_bar() as report:
        return suite.run(args, report)
