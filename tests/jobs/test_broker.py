"""make_broker: the broker named by the URL, with middleware chosen for runs; the run actor."""

import pytest
from dramatiq import Message
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries, TimeLimit

from jobs.actors import RUN_ACTOR, BrokerEnqueue, declare_actors
from jobs.broker import MESSAGE_RETRIES, make_broker
from jobs.errors import BrokerUrlError
from tests.jobs.factories import make_settings


@pytest.fixture
def settings(tmp_path, dataset):
    def make(url: str, **overrides):
        return make_settings(tmp_path, dataset, broker_url=url, **overrides)

    return make


def middleware(broker, kind):
    return next(m for m in broker.middleware if isinstance(m, kind))


def test_memory_url_gives_the_in_process_broker(settings) -> None:
    assert isinstance(make_broker(settings("memory://")), StubBroker)


def test_redis_url_gives_a_redis_broker(settings) -> None:
    assert isinstance(make_broker(settings("redis://127.0.0.1:6379/3")), RedisBroker)


def test_amqp_url_gives_a_rabbitmq_broker_with_publisher_confirms(settings) -> None:
    broker = make_broker(settings("amqp://guest:guest@127.0.0.1:5672/%2F"))
    assert isinstance(broker, RabbitmqBroker)
    assert broker.confirm_delivery


def test_unknown_scheme_is_refused_naming_the_variable(settings) -> None:
    with pytest.raises(BrokerUrlError, match="INTENT_BROKER_URL"):
        make_broker(settings("kafka://somewhere"))


def test_messages_are_retried_a_few_times_not_for_weeks(settings) -> None:
    retries = middleware(make_broker(settings("memory://")), Retries)
    assert retries.max_retries == MESSAGE_RETRIES <= 3
    assert retries.max_backoff <= 60_000


def test_broker_time_limit_lies_beyond_the_run_time_limit(settings) -> None:
    broker = make_broker(settings("memory://", run_time_limit_seconds=120, lease_seconds=30))
    assert middleware(broker, TimeLimit).time_limit == 150_000


def test_enqueue_sends_the_run_id_alone_to_the_run_queue(settings, make_deps, memory_store):
    broker = make_broker(settings("memory://"))
    deps = make_deps(memory_store)
    declare_actors(broker, deps)
    BrokerEnqueue(broker, deps.settings.queue_name)("run-1")
    message = Message.decode(broker.queues[deps.settings.queue_name].get_nowait())
    assert (message.actor_name, message.args, message.kwargs) == (RUN_ACTOR, ("run-1",), {})
