"""`intent bench`: the benchmark suite and report (run it alone on a quiet machine), and
`intent bench compare OLD.json NEW.json` for regressions between two reports."""

import argparse
from typing import Any

from benchmarks import compare, suite


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    p = commands.add_parser(
        "bench",
        help="benchmark the engine against hand-written DuckDB and Polars queries",
        description=suite.__doc__,
    )
    suite.add_arguments(p)
    p.set_defaults(handler=suite.run)
    sub = p.add_subparsers(dest="bench_command", metavar="COMMAND")
    c = sub.add_parser(
        "compare",
        help="list figures 10%% or more worse; exit 1 if any",
        description=compare.__doc__,
    )
    compare.add_arguments(c)
    c.set_defaults(handler=compare.run)
