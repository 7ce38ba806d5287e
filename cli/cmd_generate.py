"""`intent data generate`: write a deterministic synthetic intent dataset.

A progress bar goes to stderr on a terminal (none when piped); `--json` prints one summary
object on stdout.
"""

import argparse
import json
from datetime import date
from typing import Any, Final

from cli.errors import CliError
from cli.progress import progress_bar
from data.errors import DatasetError, DateExistsError, StorageError
from data.generator import DEFAULT_TOPICS, GenerateSummary, generate
from data.generator.progress import Report
from data.storage import as_location, is_remote

DEFAULT_SCALE: Final = 0.01
DEFAULT_DAYS: Final = 3
DEFAULT_END_DATE: Final = date(2026, 11, 27)  # fixed, so a default run is reproducible
DEFAULT_SEED: Final = 42


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    parser = commands.add_parser(
        "generate",
        help="write a deterministic synthetic dataset",
        description="Write topics, people and consecutive intent dates under DIR. The same "
        "arguments always give byte-identical files.",
    )
    parser.add_argument(
        "--out",
        type=as_location,
        required=True,
        metavar="DIR",
        help="dataset directory, or s3://bucket/prefix (endpoint and credentials: AWS_*)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=DEFAULT_SCALE,
        help=f"1 = 1,000,000 people and about 10M intent rows a day (default {DEFAULT_SCALE})",
    )
    parser.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"data dates (default {DEFAULT_DAYS})"
    )
    parser.add_argument(
        "--end-date",
        type=_iso_date,
        default=DEFAULT_END_DATE,
        metavar="YYYY-MM-DD",
        help=f"last data date (default {DEFAULT_END_DATE}, fixed rather than today)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default %(default)s")
    parser.add_argument("--topics", type=int, default=DEFAULT_TOPICS, help="default %(default)s")
    parser.add_argument("--replace", action="store_true", help="overwrite existing dates")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    options = {
        "scale": args.scale,
        "days": args.days,
        "end_date": args.end_date,
        "seed": args.seed,
        "topics": args.topics,
        "replace": args.replace,
    }
    try:
        with progress_bar() as report:
            if is_remote(args.out):
                summary = _generate_remote(args.out, report, options)
            else:
                summary = generate(args.out, progress=report, **options)
    except DateExistsError as exc:
        raise CliError(f"{exc} (--replace overwrites them)") from exc
    except StorageError as exc:
        raise CliError(f"{args.out}: {exc}", exit_code=1) from exc
    except DatasetError as exc:
        raise CliError(str(exc)) from exc
    print(json.dumps(summary_document(summary)) if args.json else summary_text(summary))
    return 0


def _generate_remote(
    location: str, report: Report | None, options: dict[str, Any]
) -> GenerateSummary:
    """Generate into the object store at `location` (imported here: local runs skip it)."""
    from cli.datasets import settings
    from data.storage import open_store
    from data.store_dataset import generate_into_store

    store = open_store(location, settings().s3)
    store.check()
    return generate_into_store(store, progress=report, **options)


def summary_document(summary: GenerateSummary) -> dict[str, object]:
    return {
        "dataset": str(summary.out),
        "people": summary.people,
        "topics": summary.topics,
        "peopleVersion": summary.people_version,
        "dates": list(summary.dates),
        "intentRows": dict(zip(summary.dates, summary.intent_rows, strict=True)),
        "totalIntentRows": sum(summary.intent_rows),
        "seconds": {name: round(value, 3) for name, value in summary.seconds.items()},
    }


def summary_text(summary: GenerateSummary) -> str:
    lines = [
        f"dataset {summary.out}: {summary.people:,} people, {summary.topics:,} topics, "
        f"people version {summary.people_version}"
    ]
    lines += [
        f"  {day}: {rows:,} intent rows"
        for day, rows in zip(summary.dates, summary.intent_rows, strict=True)
    ]
    lines.append(f"done in {summary.seconds['total']:.1f} s")
    return "\n".join(lines)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None
