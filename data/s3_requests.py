"""The S3 requests this process makes, counted by operation for `intent_s3_requests_total`.

Counted where this project's code talks to a bucket: the `Store` seam (heads, gets, puts, lists,
deletes), the snapshot block cache (one ranged get per miss) and the streamed upload of a
snapshot's results (one put per object, however many parts). Reads that pyarrow, DuckDB or
Polars make on their own through Arrow's S3 client (the dataset scans of a run, Parquet footers)
have no hook there and are not counted.

Each count goes to the process's sink: the metrics of a process that exports them
(`send_to`), else a tally kept until `take` (what a run's child process does, handing its
counts to its parent when the run ends).
"""

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

OPERATIONS: Final = ("get", "head", "list", "put", "delete")

Sink = Callable[[str, int], None]


@dataclass(frozen=True)
class RequestCounts:
    """Counts by operation, as a child process hands them to its parent."""

    counts: Mapping[str, int] = field(default_factory=dict)


class _Tally:
    """Counts kept in this process until taken; safe across threads."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, operation: str, n: int) -> None:
        with self._lock:
            self._counts[operation] += n

    def take(self) -> RequestCounts:
        with self._lock:
            taken, self._counts = dict(self._counts), Counter()
        return RequestCounts(taken)


_tally: Final = _Tally()
_sink: Sink = _tally.add


def count(operation: str, n: int = 1) -> None:
    """`n` requests of `operation` (one of OPERATIONS) made by this process."""
    _sink(operation, n)


def add(counts: RequestCounts) -> None:
    """Counts made elsewhere (a run's child process), counted here as if made here."""
    for operation, n in counts.counts.items():
        _sink(operation, n)


def send_to(sink: Sink | None) -> None:
    """Counts go to `sink` from now on; None: kept in this process until `take`."""
    global _sink
    _sink = _tally.add if sink is None else sink


def take() -> RequestCounts:
    """What was counted since the last `take` while no sink was set; the tally starts over."""
    return _tally.take()
