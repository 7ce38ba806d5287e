"""`intent data validate DIR`: check a dataset against the contract and report every problem.

Exit 0 when valid, 1 when invalid, 2 for usage errors; the dataset is only read.
"""

import argparse
import json
from typing import Any

from cli.errors import CliError
from data.storage import as_location, is_remote
from data.validation import ValidationReport, validate_dataset


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    validate = commands.add_parser(
        "validate",
        help="check a dataset against the contract",
        description="Report every problem with its file and column; exit 1 when invalid. "
        "Dates without a manifest are incomplete and only warned about.",
    )
    validate.add_argument(
        "dataset",
        type=as_location,
        metavar="DIR",
        help="the dataset directory, or s3://bucket/prefix (endpoint and credentials: AWS_*)",
    )
    validate.add_argument(
        "--date",
        action="append",
        dest="dates",
        metavar="D",
        help="check only this date (repeatable)",
    )
    validate.add_argument("--json", action="store_true", help="print one JSON object")
    validate.set_defaults(handler=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    if is_remote(args.dataset):
        report = _validate_remote(args.dataset, args.dates)
    elif not args.dataset.is_dir():
        raise CliError(f"{args.dataset}: not a directory")
    else:
        report = validate_dataset(args.dataset, args.dates)
    print(json.dumps(report.to_dict(), indent=2) if args.json else _text(report))
    return 0 if report.ok else 1


def _validate_remote(location: str, dates: list[str] | None) -> ValidationReport:
    """Validate the dataset in the object store at `location` (imported here: local runs skip
    it); a store that cannot be used exits 1 naming it."""
    from cli.datasets import settings
    from data.errors import StorageError
    from data.storage import open_store
    from data.store_dataset import validate_store

    store = open_store(location, settings().s3)
    try:
        store.check()
        return validate_store(store, dates)
    except StorageError as exc:
        raise CliError(f"{location}: {exc}", exit_code=1) from None


def _text(report: ValidationReport) -> str:
    lines = [str(problem) for problem in report.problems]
    verdict = "valid" if report.ok else "invalid"
    dates = ", ".join(report.dates) or "none"
    lines.append(
        f"{report.root}: {verdict} ({len(report.errors)} errors, {len(report.warnings)} warnings; "
        f"dates checked: {dates})"
    )
    return "\n".join(lines)
