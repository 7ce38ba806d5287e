"""Prometheus metrics of runs and exports.

Run counts, the queue and how attempts ended are read from the metadata store at each scrape
(`RunCollector`): the store is the one truth every process shares, so any API process answers
the same. Durations, exported bytes and S3 requests are observed by the process doing the work
(`JobMetrics`); a run's child process hands its S3 requests to its parent when it ends.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric

from data import s3_requests
from data.metadata.models import RunTally
from data.metadata.store import MetadataStore
from engine.states import TERMINAL, WEBHOOK_EVENTS, DeliveryStatus, RunStatus, RunType

RUN_SECONDS_BUCKETS: Final = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
RUN_STAGES: Final = ("candidates", "people", "topics", "write", "publish", "total")
ATTEMPT_OUTCOMES: Final = ("started", "retried", "lease_expired", "gave_up")
DELIVERY_SECONDS_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class JobMetrics:
    """What this process observes: the stage durations of the attempts it completes, the bytes
    of the exports it writes and the time of the webhook deliveries it sends."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.run_seconds = Histogram(
            "intent_run_duration_seconds",
            "Seconds a completed attempt spent in each stage (total: from claim to completion)",
            ["backend", "stage"],
            buckets=RUN_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.export_bytes = Counter(
            "intent_export_bytes",
            "Bytes of exports written, stored or streamed",
            ["format"],
            registry=self.registry,
        )
        self.delivery_seconds = Histogram(
            "intent_webhook_delivery_duration_seconds",
            "Seconds a webhook delivery attempt took, from sending to the receiver's answer "
            "(or the error)",
            ["event"],
            buckets=DELIVERY_SECONDS_BUCKETS,
            registry=self.registry,
        )
        self.s3_requests = Counter(
            "intent_s3_requests",
            "Requests made to S3-compatible storage by this project's code (the dataset scans "
            "of the engines' own S3 client are not counted)",
            ["operation"],
            registry=self.registry,
        )
        for event in WEBHOOK_EVENTS:  # every series exists from the start
            self.delivery_seconds.labels(event)
        self._s3_counted = {op: self.s3_requests.labels(op) for op in s3_requests.OPERATIONS}

    def observe_run(self, backend: str, seconds: Mapping[str, float]) -> None:
        for stage, spent in seconds.items():
            self.run_seconds.labels(backend, stage).observe(spent)

    def observe_delivery(self, event: str, seconds: float) -> None:
        self.delivery_seconds.labels(event).observe(seconds)

    def count_s3_request(self, operation: str, n: int) -> None:
        """A `data.s3_requests` sink: the requests this process (or a child it ran) made."""
        counter = self._s3_counted.get(operation)
        if counter is None:
            counter = self._s3_counted.setdefault(operation, self.s3_requests.labels(operation))
        counter.inc(n)

    def count_export(self, export_format: str, size: int) -> None:
        self.export_bytes.labels(export_format).inc(size)

    def counted_export(self, export_format: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """`chunks` as they are sent, counted once the stream ends (or breaks off)."""
        sent = 0
        try:
            for chunk in chunks:
                sent += len(chunk)
                yield chunk
        finally:
            self.count_export(export_format, sent)


class RunCollector:
    """Run metrics computed from the metadata store when scraped."""

    def __init__(self, store: MetadataStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def describe(self) -> Iterable[Metric]:
        return self._families(None)

    def collect(self) -> Iterator[Metric]:
        yield from self._families(self._store.run_tally())

    def _families(self, tally: RunTally | None) -> list[Metric]:
        runs = CounterMetricFamily(
            "intent_runs",
            "Runs that reached each final status",
            labels=["status", "run_type"],
        )
        attempts = CounterMetricFamily(
            "intent_run_attempts",
            "Attempts started, and how those that did not end the run ended",
            labels=["outcome"],
        )
        depth = GaugeMetricFamily("intent_queue_depth", "Runs waiting in the queue")
        oldest = GaugeMetricFamily(
            "intent_queue_oldest_seconds", "Age of the oldest queued run (0: none queued)"
        )
        running = GaugeMetricFamily("intent_runs_running", "Runs being worked on")
        families: list[Metric] = [runs, attempts, depth, oldest, running]
        if tally is None:
            return families
        for status in sorted(TERMINAL):
            for run_type in RunType:
                runs.add_metric([status, run_type], tally.by_status.get((status, run_type), 0))
        outcomes = (tally.attempts, tally.retried, tally.lease_expiries, tally.gave_up)
        for outcome, count in zip(ATTEMPT_OUTCOMES, outcomes, strict=True):
            attempts.add_metric([outcome], count)
        depth.add_metric([], tally.count(RunStatus.QUEUED))
        waited = 0.0
        if tally.oldest_queued_at is not None:
            waited = max(0.0, (self._clock() - tally.oldest_queued_at).total_seconds())
        oldest.add_metric([], waited)
        running.add_metric([], tally.count(RunStatus.RUNNING))
        return families


class DeliveryCollector:
    """Webhook delivery metrics computed from the metadata store when scraped: every process
    answers the same, whichever process sent the deliveries."""

    def __init__(self, store: MetadataStore) -> None:
        self._store = store

    def describe(self) -> Iterable[Metric]:
        return self._families({})

    def collect(self) -> Iterator[Metric]:
        yield from self._families(self._store.delivery_tally())

    def _families(self, tally: Mapping[tuple[str, DeliveryStatus], int]) -> list[Metric]:
        ended = CounterMetricFamily(
            "intent_webhook_deliveries",
            "Webhook deliveries that ended: succeeded, or failed after their last attempt",
            labels=["event", "outcome"],
        )
        pending = GaugeMetricFamily(
            "intent_webhook_deliveries_pending",
            "Webhook deliveries not yet delivered (first attempt or retry to come)",
            labels=["event"],
        )
        for event in WEBHOOK_EVENTS:
            for outcome in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
                ended.add_metric([event, outcome], tally.get((event, outcome), 0))
            pending.add_metric([event], tally.get((event, DeliveryStatus.PENDING), 0))
        return [ended, pending]
