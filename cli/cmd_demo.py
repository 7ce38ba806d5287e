"""`intent demo`: the whole product in under a minute, in its own home (`$INTENT_HOME/demo`).

It generates a small dataset when none exists, starts the embedded system on a free loopback port,
and walks an API client through an audience run: progress, counts, stats, results, exports.
"""

import argparse
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx

from cli.cmd_server import load_settings
from cli.datasets import local_dataset
from cli.demo_client import DemoClient
from cli.demo_data import ensure_dataset, popular_topics
from cli.demo_report import fill_rate_lines, histogram_lines, result_lines
from cli.errors import CliError
from cli.http_server import HttpServer
from cli.system import build_system
from data.metadata.store import MetadataStore
from jobs import accounts
from jobs.errors import OrganizationExists
from jobs.logs import configure_logging
from jobs.settings import Settings
from jobs.wire import RunOut

DEMO_ORG: Final = "demo"
RUN_TIMEOUT_SECONDS: Final = 120.0
SHOWN_RESULTS: Final = 5


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    demo = commands.add_parser(
        "demo", help="generate a small dataset, serve it and walk through one audience run"
    )
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    settings = demo_settings(load_settings())
    say(f"intent demo in {settings.home}")
    ensure_dataset(local_dataset(settings.dataset), generate_missing=True, echo=say)
    system = build_system(settings)
    api_key = demo_key(system.services.deps.store, settings.audience_slots)
    server = HttpServer(
        system.app, "127.0.0.1", 0, quiet=True, header_timeout=settings.header_timeout_seconds
    )
    server.start()
    system.start()
    try:
        configure_logging(settings.log_format, logging.WARNING)  # the walk-through speaks
        say(f"API listening on {server.url} (OpenAPI docs at {server.url}/schema)")
        walk_through(server.url, api_key, settings)
    finally:
        server.stop()
        system.stop()
    say(f"\ndemo finished in {time.monotonic() - started:.1f} s")
    return 0


def demo_settings(base: Settings) -> Settings:
    """Default settings under `<home>/demo`: embedded, SQLite, apart from the real home."""
    return Settings.from_env({"INTENT_HOME": str(base.home / "demo")})


def demo_key(store: MetadataStore, slots: int) -> str:
    """A new key of the demo organization, created on the first demo and reused after."""
    now = datetime.now(UTC)
    with contextlib.suppress(OrganizationExists):
        accounts.create_organization(store, DEMO_ORG, slots, now)
    key, plaintext = accounts.create_api_key(store, DEMO_ORG, now)
    say(f"organization {DEMO_ORG!r}, new API key {key.id}")
    return plaintext


def walk_through(url: str, api_key: str, settings: Settings) -> None:
    client = DemoClient(url, api_key)
    try:
        _walk(client, settings)
    except httpx.HTTPError as exc:
        raise CliError(f"the demo's API call failed: {exc!r}", exit_code=1) from exc
    finally:
        client.close()


def _walk(client: DemoClient, settings: Settings) -> None:
    config = demo_config(popular_topics(local_dataset(settings.dataset), 5))
    audience = client.create_audience(
        f"Demo audience {datetime.now(UTC):%Y-%m-%d %H:%M:%S}", config
    )
    say(f"audience {audience.id}: topics {config['topicIds']}, decision makers with a work email")
    queued = client.queue_run(audience.id)
    run = client.wait_for_run(queued, _progress(time.monotonic()), RUN_TIMEOUT_SECONDS)
    if run.status != "completed":
        raise CliError(f"run {run.id} {run.status}: {run.error_code} {run.error_message}", 1)
    say(
        f"\ndata date {run.data_date}: {run.candidate_count} candidates, {run.result_count} results"
    )
    stats = client.stats(run)
    _section("fill rates", fill_rate_lines(stats))
    _section("score histogram", histogram_lines(stats))
    _section(f"first {SHOWN_RESULTS} results", result_lines(client.results(run, SHOWN_RESULTS)))
    say("\nexports (stored, then downloaded by their signed URLs):")
    for fmt in ("csv", "parquet"):
        path = client.download(client.stored_export(run, fmt), _export_path(settings, run.id, fmt))
        say(f"  {fmt:8} {path}")


def demo_config(topic_ids: list[int]) -> dict[str, Any]:
    return {
        "topicIds": topic_ids,
        "minScore": 50,
        "filters": {"role": {"isDecisionMaker": True}, "contact.hasBusinessEmail": True},
    }


def say(text: str) -> None:
    print(text, flush=True)


def _progress(started: float) -> Callable[[RunOut], None]:
    def show(run: RunOut) -> None:
        say(f"  run {run.id[:8]} {run.status:<9} {time.monotonic() - started:5.1f} s")

    return show


def _section(title: str, lines: list[str]) -> None:
    say(f"\n{title}:")
    for line in lines:
        say(f"  {line}")


def _export_path(settings: Settings, run_id: str, fmt: str) -> Path:
    return settings.home / "exports" / f"run-{run_id}.{fmt}"
