"""`intent data ingest`: turn your own CSV or Parquet files into one complete data date.

Nothing becomes visible unless every row passes the contract checks; exit 1 on bad data.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from cli.datasets import settings
from cli.errors import CliError
from cli.progress import progress_bar
from data.catalog import is_iso_date
from data.errors import DatasetError
from data.generator.progress import Report
from data.ingest import IngestRequest, IngestResult, ingest
from data.storage import Location, as_location, is_remote


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    parser = commands.add_parser(
        "ingest",
        help="add one data date from CSV or Parquet files",
        description="Column names must match the contract. CSV files need a header row; a "
        "keywords cell is a ';'-separated list. Topics and people may be omitted when the "
        "dataset has them; given people become a new people version.",
    )
    parser.add_argument(
        "--dataset",
        type=as_location,
        help="dataset directory or s3://bucket/prefix (default: INTENT_DATASET)",
    )
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
    location = args.dataset if args.dataset is not None else as_location(settings().dataset)
    remote = is_remote(location)
    request = IngestRequest(
        dataset=Path(location) if not remote else Path(),  # a remote one is staged locally
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
            result = (
                _ingest_remote(location, request, report) if remote else ingest(request, report)
            )
    except DatasetError as exc:
        raise CliError(str(exc), exit_code=1) from None
    print(json.dumps(result.to_dict(), indent=2) if args.json else _text(location, result))
    return 0


def _ingest_remote(
    location: Location, request: IngestRequest, report: Report | None
) -> IngestResult:
    """Ingest into the object store at `location` (imported here: local runs skip it)."""
    from data.storage import open_store
    from data.store_dataset import ingest_into_store

    store = open_store(location, settings().s3)
    store.check()
    return ingest_into_store(store, request, report)


def _text(location: Location, result: IngestResult) -> str:
    return (
        f"{location}: data date {result.data_date} complete, "
        f"{result.manifest['rowCount']} intent rows, people version {result.people_version}"
    )


def _date(text: str) -> str:
    if not is_iso_date(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)")
    return text
