"""The `intent` console script: argument parsing and dispatch; each command lives in its module."""

import argparse
import sys
from collections.abc import Callable, Sequence

from cli import (
    cmd_admin,
    cmd_bench,
    cmd_config,
    cmd_db,
    cmd_demo,
    cmd_generate,
    cmd_ingest,
    cmd_run,
    cmd_server,
    cmd_validate,
    cmd_worker,
)
from cli.errors import CliError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intent", description="Intent audience engine: datasets, audience runs and the API."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser("data", help="generate, validate and ingest intent datasets")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    config = commands.add_parser("config", help="check audience configs")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    cmd_generate.register(data_commands)
    cmd_validate.register(data_commands)
    cmd_ingest.register(data_commands)
    cmd_config.register(config_commands)
    cmd_run.register(commands)
    cmd_server.register(commands)
    cmd_worker.register(commands)
    cmd_db.register(commands)
    cmd_admin.register(commands)
    cmd_demo.register(commands)
    cmd_bench.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        code = handler(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
