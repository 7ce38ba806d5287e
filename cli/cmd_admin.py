"""`intent orgs create` and `intent keys create|list|revoke`: organizations and their API keys.

A new key's plaintext is printed once; the database keeps only the hash of its secret.
"""

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from cli.errors import CliError
from data.metadata.connect import open_store
from data.metadata.models import ApiKey
from data.metadata.store import MetadataStore
from jobs import accounts
from jobs.errors import JobError
from jobs.settings import Settings, SettingsError


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    orgs = commands.add_parser("orgs", help="manage organizations")
    _register_orgs(orgs.add_subparsers(dest="orgs_command", required=True, metavar="COMMAND"))
    keys = commands.add_parser("keys", help="manage API keys")
    _register_keys(keys.add_subparsers(dest="keys_command", required=True, metavar="COMMAND"))


def _register_orgs(commands: "argparse._SubParsersAction[Any]") -> None:
    create = commands.add_parser("create", help="create an organization")
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "--slots", type=_positive, help="audience slots (default: INTENT_AUDIENCE_SLOTS)"
    )
    create.add_argument("--json", action="store_true", help="print one JSON object")
    create.set_defaults(handler=run_orgs_create)


def _register_keys(commands: "argparse._SubParsersAction[Any]") -> None:
    create = commands.add_parser("create", help="create an API key; it is shown only once")
    create.add_argument("--org", required=True, metavar="NAME", help="organization name")
    create.add_argument("--json", action="store_true", help="print one JSON object")
    create.set_defaults(handler=run_keys_create)
    listing = commands.add_parser("list", help="list API keys (never their secrets)")
    listing.add_argument("--org", metavar="NAME", help="only this organization's keys")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(handler=run_keys_list)
    revoke = commands.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key_id", metavar="KEY_ID")
    revoke.set_defaults(handler=run_keys_revoke)


def run_orgs_create(args: argparse.Namespace) -> int:
    settings = _settings()
    slots = args.slots or settings.audience_slots
    with _refusals():
        org = accounts.create_organization(_store(settings), args.name, slots, _now())
    if args.json:
        print(json.dumps({"id": org.id, "name": org.name, "audienceSlots": org.audience_slots}))
    else:
        print(f"organization {org.name} created: id {org.id}, {org.audience_slots} audience slots")
    return 0


def run_keys_create(args: argparse.Namespace) -> int:
    with _refusals():
        key, plaintext = accounts.create_api_key(_store(_settings()), args.org, _now())
    shown = {"keyId": key.id, "apiKey": plaintext, "organizationId": key.organization_id}
    if args.json:
        print(json.dumps(shown))
    else:
        print(f"API key {key.id} for organization {args.org} (shown only once):\n{plaintext}")
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    with _refusals():
        keys = accounts.list_api_keys(_store(_settings()), args.org)
    if args.json:
        print(json.dumps([_key_object(key) for key in keys]))
        return 0
    for key in keys:
        state = f"revoked {key.revoked_at.isoformat()}" if key.revoked_at else "active"
        print(f"{key.id}  org {key.organization_id}  created {key.created_at.isoformat()}  {state}")
    return 0


def run_keys_revoke(args: argparse.Namespace) -> int:
    with _refusals():
        accounts.revoke_api_key(_store(_settings()), args.key_id, _now())
    print(f"API key {args.key_id} revoked")
    return 0


def _key_object(key: ApiKey) -> dict[str, str | None]:
    return {
        "keyId": key.id,
        "organizationId": key.organization_id,
        "createdAt": key.created_at.isoformat(),
        "revokedAt": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@contextmanager
def _refusals() -> Iterator[None]:
    """A use case's refusal (unknown organization, ...) becomes a one-line error, exit code 1."""
    try:
        yield
    except JobError as exc:
        raise CliError(str(exc), exit_code=1) from exc


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _store(settings: Settings) -> MetadataStore:
    return open_store(settings.database_url)


def _now() -> datetime:
    return datetime.now(UTC)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
