"""Webhook events across processes: PostgreSQL's LISTEN/NOTIFY on one channel.

The transaction that writes a webhook event also notifies CHANNEL, which PostgreSQL delivers
when it commits; `listen` calls back for each notification, so that a sender in another process
or on another machine starts its pass at once instead of at its next poll. SQLite has no such
signal: there the sender polls.
"""

import logging
import threading
from collections.abc import Callable
from typing import Final

import psycopg
import sqlalchemy as sa

log = logging.getLogger(__name__)

CHANNEL: Final = "intent_webhook_events"
WAKE_SECONDS: Final = 0.5  # how soon a listener notices its stop event
RETRY_SECONDS: Final = 5.0  # before opening a lost connection again


def notify() -> sa.Select[tuple[object]]:
    """The statement that notifies CHANNEL (sent when its transaction commits)."""
    return sa.select(sa.func.pg_notify(CHANNEL, ""))


def listen(url: str, on_event: Callable[[], None], stop: threading.Event) -> None:
    """Until `stop` is set: `on_event()` for each notification on CHANNEL of the database at
    `url`; a lost connection is opened again after RETRY_SECONDS (events meanwhile are found
    by the sender's polls). Returns at once for a database other than PostgreSQL."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    while not stop.is_set():
        try:
            _listen_on(conninfo, on_event, stop)
        except psycopg.Error as exc:
            log.warning("webhook event listener lost its connection (%s); retrying", exc)
            stop.wait(RETRY_SECONDS)


def _listen_on(conninfo: str, on_event: Callable[[], None], stop: threading.Event) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        on_event()  # events written while no connection listened
        while not stop.is_set():
            for _ in connection.notifies(timeout=WAKE_SECONDS, stop_after=1):
                on_event()
