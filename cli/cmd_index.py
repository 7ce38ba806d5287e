"""`intent data index DIR`: build the per-date topic table of dates written before it existed.

Dates that have one are left alone unless `--rebuild`; the dataset stays readable throughout
(each date's manifest is replaced atomically once its table is written).
"""

import argparse
import json
from pathlib import Path
from typing import Any

from cli.errors import CliError
from data.errors import DatasetError
from data.topic_stats import index_dataset


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    index = commands.add_parser(
        "index",
        help="build the topic table of older data dates",
        description="Compute each complete date's topic table (audience, signals, average "
        "score, tiers per topic) where it is missing, and list it in the date's manifest.",
    )
    index.add_argument("dataset", type=Path, metavar="DIR", help="the dataset directory")
    index.add_argument("--rebuild", action="store_true", help="also rebuild existing tables")
    index.add_argument("--json", action="store_true", help="print one JSON object")
    index.set_defaults(handler=run_index)


def run_index(args: argparse.Namespace) -> int:
    if not args.dataset.is_dir():
        raise CliError(f"{args.dataset}: not a directory")
    try:
        indexed = index_dataset(args.dataset, rebuild=args.rebuild)
    except DatasetError as exc:
        raise CliError(f"dataset {args.dataset}: {exc}", exit_code=1) from None
    if args.json:
        print(json.dumps({"dataset": str(args.dataset), "indexed": indexed}))
    else:
        print(
            f"{args.dataset}: indexed {len(indexed)} dates" + "".join(f"\n  {d}" for d in indexed)
        )
    return 0
