"""`intent db upgrade`: bring the metadata database to the newest schema revision.

The URL comes from `--database-url`, else from INTENT_DATABASE_URL (the settings default).
"""

import argparse
from typing import Any

import sqlalchemy as sa

from cli.errors import CliError
from data.metadata.migrate import upgrade
from jobs.settings import Settings, SettingsError


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    db = commands.add_parser("db", help="manage the metadata database")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    command = db_commands.add_parser(
        "upgrade", help="apply pending schema migrations (safe to run from many processes)"
    )
    command.add_argument(
        "--database-url", help="database URL (default: INTENT_DATABASE_URL or the SQLite file)"
    )
    command.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    url = args.database_url or _settings_url()
    shown = _redacted(url)
    try:
        revision = upgrade(url)
    except sa.exc.SQLAlchemyError as exc:
        raise CliError(f"cannot upgrade the database at {shown}: {exc}", exit_code=1) from exc
    print(f"database {shown} is at revision {revision}")
    return 0


def _settings_url() -> str:
    try:
        return Settings.from_env().database_url
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _redacted(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError as exc:
        raise CliError(f"not a database URL: {url!r}") from exc
