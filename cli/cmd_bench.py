"""`intent bench`: the benchmark suite (run it alone on a quiet machine)."""

import argparse
from typing import Any


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    p = commands.add_parser(
        "bench",
        help="benchmark the backends against a naive pandas baseline (see `intent bench --help`)",
        add_help=False,
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    # Imported here so that every other command starts without loading the benchmark suite.
    from benchmarks.suite import main

    return main(list(args.rest))
