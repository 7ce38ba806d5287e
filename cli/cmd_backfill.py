"""`intent backfill`: one `backfill` run per complete data date of a range, as the API's
POST .../backfills queues them; workers (or a running `intent serve`) execute them."""

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from cli.errors import CliError
from data.metadata.models import AudienceId
from jobs.backfill import MAX_BACKFILL_DATES, backfill
from jobs.errors import JobError
from jobs.services import build_services
from jobs.settings import Settings, SettingsError


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    parser = commands.add_parser(
        "backfill",
        help="queue one backfill run per complete date of a range",
        description=(
            f"Queue one backfill run per complete data date from FROM to TO (at most "
            f"{MAX_BACKFILL_DATES} dates). Dates that already have a completed run of the "
            "audience's current config are skipped unless --force."
        ),
    )
    parser.add_argument("--audience", required=True, metavar="ID", help="the audience id")
    parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    parser.add_argument("--force", action="store_true", help="also rerun completed dates")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_backfill)


def run_backfill(args: argparse.Namespace) -> int:
    try:
        deps = build_services(Settings.from_env())
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    audience = deps.store.get_audience(None, AudienceId(args.audience.lower()))
    if audience is None:
        raise CliError(f"no audience with id {args.audience}", exit_code=1)
    try:
        done = backfill(
            deps,
            audience=audience,
            start=args.start,
            end=args.end,
            force=args.force,
            now=datetime.now(UTC),
        )
    except JobError as exc:
        raise CliError(str(exc), exit_code=1) from exc
    runs = [{"id": run.id, "dataDate": run.data_date} for run in done.runs]
    if args.json:
        print(json.dumps({"runs": runs, "skippedDates": done.skipped}))
        return 0
    for run in runs:
        print(f"queued backfill run {run['id']} for {run['dataDate']}")
    for day in done.skipped:
        print(f"skipped {day}: a completed run of this config exists (--force reruns it)")
    return 0
