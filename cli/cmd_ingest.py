"""`intent data ingest`: turn your own CSV or Parquet files into one complete data date.

Nothing becomes visible unless every row passes the contract checks; exit 1 on bad data.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from cli.datasets import local_dataset
from cli.errors import CliError
from cli.progress import progress_bar
from data.catalog import is_iso_date
from data.errors import DatasetError
from data.ingest import IngestRequest, IngestResult, ingest
from jobs.settings import Settings


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    parser = commands.add_parser(
        "ingest",
        help="add one data date from CSV or Parquet files",
        description="Column names must match the contract. CSV files need a header row; a "
        "keywords cell is a ';'-separated list. Topics and people may be omitted when the "
        "dataset has them; given people become a new people version.",
    )
    parser.add_argument("--dataset", type=Path, help="dataset directory (default: INTENT_DATASET)")
    parser.add_argument("--date", required=True, type=_date, metavar="D", help="YYYY-MM-DD")
    parser.add_argument("--intent", required=True, type=Path, metavar="FILE")
    parser.add_argument("--people", type=Path, metavar="FILE")
    parser.add_argument("--topics", type=Path, metavar="FILE")
    parser.add_argument(
        "--people-version", metavar="V", help="people version to use or create (default: the date)"
    )
    parser.add_argument("--replace", action="store_true", help="replace an existing date")
    parser.add_argument("--ignore-extra", action="store_true", help="drop non-contract columns")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    request = IngestRequest(
        dataset=args.dataset or local_dataset(Settings.from_env().dataset),
        data_date=args.date,
        intent=args.intent,
        people=args.people,
        topics=args.topics,
        people_version=args.people_version,
        replace=args.replace,
        ignore_extra=args.ignore_extra,
    )
    try:
        with progress_bar() as report:
            result = ingest(request, report)
    except DatasetError as exc:
        raise CliError(str(exc), exit_code=1) from None
    print(json.dumps(result.to_dict(), indent=2) if args.json else _text(request, result))
    return 0


def _text(request: IngestRequest, result: IngestResult) -> str:
    return (
        f"{request.dataset}: data date {result.data_date} complete, "
        f"{result.manifest['rowCount']} intent rows, people version {result.people_version}"
    )


def _date(text: str) -> str:
    if not is_iso_date(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    return text
