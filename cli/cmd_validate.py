"""`intent data validate DIR`: check a dataset against the contract and report every problem.

Exit 0 when valid, 1 when invalid, 2 for usage errors; the dataset is only read.
"""

import argparse
import json
from pathlib import Path
from typing import Any

from cli.errors import CliError
from data.validation import ValidationReport, validate_dataset


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    validate = commands.add_parser(
        "validate",
        help="check a dataset against the contract",
        description="Report every problem with its file and column; exit 1 when invalid. "
        "Dates without a manifest are incomplete and only warned about.",
    )
    validate.add_argument("dataset", type=Path, metavar="DIR", help="the dataset directory")
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
    if not args.dataset.is_dir():
        raise CliError(f"{args.dataset}: not a directory")
    report = validate_dataset(args.dataset, args.dates)
    print(json.dumps(report.to_dict(), indent=2) if args.json else _text(report))
    return 0 if report.ok else 1


def _text(report: ValidationReport) -> str:
    lines = [str(problem) for problem in report.problems]
    verdict = "valid" if report.ok else "invalid"
    dates = ", ".join(report.dates) or "none"
    lines.append(
        f"{report.root}: {verdict} ({len(report.errors)} errors, {len(report.warnings)} warnings; "
        f"dates checked: {dates})"
    )
    return "\n".join(lines)
