"""`intent status [--json]`: the queue, running runs with their stage, failures of the last 24 h
by error code, and the complete data dates; `--json` prints the object that
docs/status.schema.json describes."""

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from cli.errors import CliError
from data.metadata.connect import open_store
from data.store_catalog import open_catalog
from jobs.settings import Settings, SettingsError
from jobs.status import engine_status

PIPED_WIDTH = 200


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    status = commands.add_parser(
        "status",
        help="show the queue, running runs, recent failures and the data dates",
        description="Read the metadata database and the dataset of the settings and show how "
        "the engine is doing.",
    )
    status.add_argument(
        "--json", action="store_true", help="print one JSON object (docs/status.schema.json)"
    )
    status.set_defaults(handler=run_status)


def run_status(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    try:
        store = open_store(settings.database_url)
        document = engine_status(
            store, open_catalog(settings.dataset, settings.s3), datetime.now(UTC)
        )
    except sa.exc.SQLAlchemyError as exc:
        raise CliError(f"cannot read the metadata database: {exc}", exit_code=1) from exc
    if args.json:
        print(json.dumps(document))
    else:
        # Piped output is not cut to 80 columns: run ids stay whole for grep and the like.
        console = Console(highlight=False, width=None if sys.stdout.isatty() else PIPED_WIDTH)
        print_tables(document, console)
    return 0


def print_tables(status: dict[str, Any], console: Console) -> None:
    queue = status["queue"]
    oldest = queue["oldest"]
    waiting = f", oldest {oldest['runId']} waiting {oldest['ageSeconds']:.0f} s" if oldest else ""
    console.print(f"queue: {queue['depth']} runs{waiting}")
    console.print(_running_table(status))
    failures = Table("error code", "failed runs", title="failures in the last 24 h")
    for code, count in sorted(status["failuresLast24h"].items()):
        failures.add_row(code, str(count))
    console.print(failures)
    dates = status["dataDates"]
    shown = f"{len(dates)}, {dates[0]} to {dates[-1]}" if dates else "none"
    console.print(f"data dates: {shown}")


def _running_table(status: dict[str, Any]) -> Table:
    table = Table(
        "run", "audience", "attempt", "stage", "progress", "elapsed",
        title=f"running: {status['runningCount']}",
    )  # fmt: skip
    for run in status["running"]:
        progress = run["progress"]
        table.add_row(
            run["runId"],
            run["audienceId"],
            str(run["attempt"]),
            run["stage"] or "-",
            "-" if progress is None else f"{progress:.0%}",
            f"{run['elapsedSeconds']:.0f} s",
        )
    return table
