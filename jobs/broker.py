"""The Dramatiq broker named by INTENT_BROKER_URL, with the middleware chosen for runs.

`memory://` -> StubBroker (workers in the same process), `redis://` -> RedisBroker, `amqp://` ->
RabbitmqBroker with publisher confirms. A message carries only a run id and the database counts
attempts, so the broker retries a message only a few times, quickly, instead of for weeks.
"""

from typing import Final

from dramatiq import Broker, Middleware
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries, TimeLimit

from jobs.errors import BrokerUrlError
from jobs.settings import Settings

# A message fails only when the database is unreachable before a claim; after these few
# retries the reconciler re-sends the run, which is still queued.
MESSAGE_RETRIES: Final = 2
MIN_BACKOFF_MS: Final = 1_000
MAX_BACKOFF_MS: Final = 30_000


def make_broker(settings: Settings) -> Broker:
    url = settings.broker_url
    scheme = url.split("://", 1)[0].lower()
    middleware = run_middleware(settings)
    if scheme == "memory":
        return StubBroker(middleware=middleware)
    if scheme in ("redis", "rediss"):
        return RedisBroker(url=url, middleware=middleware)  # type: ignore[no-untyped-call]
    if scheme in ("amqp", "amqps"):
        return RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware)
    raise BrokerUrlError(
        f"INTENT_BROKER_URL must start with memory://, redis:// or amqp://, got {scheme}://"
    )


def run_middleware(settings: Settings) -> list[Middleware]:
    return [
        TimeLimit(time_limit=backstop_ms(settings)),
        Retries(
            max_retries=MESSAGE_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS
        ),
    ]


def backstop_ms(settings: Settings) -> int:
    """Dramatiq's own limit: past the run limit (which kills the work and records TIMEOUT) by one
    lease, so it only fires if that bookkeeping itself hangs."""
    return (settings.run_time_limit_seconds + settings.lease_seconds) * 1000
