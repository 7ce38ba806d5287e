"""An ordered map over a thread pool, for Arrow and Parquet work that releases the GIL.

Results come back in input order with a bounded number of items in flight, so a stream of
row groups keeps its order and its memory stays flat however long the stream is.
"""

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Final, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WORKERS: Final = min(4, os.cpu_count() or 1)


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int = DEFAULT_WORKERS
) -> Iterator[R]:
    """`map(fn, items)` on `workers` threads: results in input order, `workers + 1` in flight.

    Closing the iterator early cancels what has not started and waits for what has.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    pending: deque[Future[R]] = deque()
    with ThreadPoolExecutor(workers, thread_name_prefix="ordered-map") as pool:
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
