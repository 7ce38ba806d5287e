"""The `intent` console script: argument parsing and dispatch; each command lives in its module.

Only the module of the command being run is imported, so `intent --help` and `intent worker` do
not pay for loading the API, the engine and the benchmark suite.
"""

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final

from cli.errors import CliError

Handler = Callable[[argparse.Namespace], int]
Commands = "argparse._SubParsersAction[Any]"

# top-level command -> (help, modules whose `register(commands)` defines it)
TOP_LEVEL: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "data": ("generate, validate, ingest and index intent datasets", ()),
    "config": ("check audience configs", ()),
    "run": ("materialize one audience snapshot into a directory", ("cli.cmd_run",)),
    "preview": ("print the preview of an audience config as JSON", ("cli.cmd_run",)),
    "serve": (
        "serve the REST API (and run the workers when no broker is set)",
        ("cli.cmd_server",),
    ),
    "worker": ("run a worker for the configured broker", ("cli.cmd_worker",)),
    "scheduler": ("run the daily scheduler and reconciler loop", ("cli.cmd_worker",)),
    "db": ("manage the metadata database", ("cli.cmd_db",)),
    "status": (
        "show the queue, running runs, recent failures and the data dates",
        ("cli.cmd_status",),
    ),
    "orgs": ("manage organizations", ("cli.cmd_admin",)),
    "keys": ("manage API keys", ("cli.cmd_admin",)),
    "backfill": ("queue one backfill run per complete date of a range", ("cli.cmd_backfill",)),
    "topics": ("search topics, their daily trend and the day's movers", ()),
    "demo": ("run the end-to-end demo on a small generated dataset", ("cli.cmd_demo",)),
    "bench": ("benchmark the backends (see `intent bench --help`)", ("cli.cmd_bench",)),
}
# nested groups: group -> (dest, modules registering its subcommands)
GROUPS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "data": (
        "data_command",
        ("cli.cmd_generate", "cli.cmd_validate", "cli.cmd_ingest", "cli.cmd_index"),
    ),
    "topics": ("topics_command", ("cli.cmd_topics",)),
    "config": ("config_command", ("cli.cmd_config",)),
}


def _register(modules: Sequence[str], commands: Any) -> None:
    for name in dict.fromkeys(modules):
        importlib.import_module(name).register(commands)


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; commands other than `selected` (None: all) get a help line only."""
    parser = argparse.ArgumentParser(
        prog="intent", description="Intent audience engine: datasets, audience runs and the API."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, modules) in TOP_LEVEL.items():
        if selected not in (None, name) or name in commands.choices:
            continue
        if name in GROUPS:
            dest, group_modules = GROUPS[name]
            group = commands.add_parser(name, help=help_text, description=help_text)
            sub = group.add_subparsers(dest=dest, required=True, metavar="COMMAND")
            _register(group_modules, sub)
        else:
            _register(modules, commands)
    for name, (help_text, _) in TOP_LEVEL.items():
        if name not in commands.choices:
            commands.add_parser(name, help=help_text, add_help=False)
    return parser


def _selected(argv: Sequence[str]) -> str | None:
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in TOP_LEVEL else None


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    selected = _selected(argv)
    parser = build_parser(selected) if selected else build_parser("")
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        code = handler(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
