"""Work targets for child-process tests; module-level so a child process can import them."""

import os
import signal
import threading
from typing import Any


def hang(order: Any) -> Any:
    """Never returns, like an engine stuck in native code."""
    threading.Event().wait()
    raise AssertionError("unreachable")


def refuse(order: Any) -> Any:
    raise PermissionError(f"cannot read {order.inputs.topics_file}")


def die(order: Any) -> Any:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def double(value: int) -> int:
    return value * 2


def pid_of_child(value: int) -> int:
    return os.getpid()


def write_pid_and_hang(path: str) -> None:
    with open(path, "w") as out:
        out.write(str(os.getpid()))
    threading.Event().wait()


def parent_main(pid_file: str) -> None:
    """Run in a separate interpreter: start `write_pid_and_hang` in a child and wait forever."""
    from jobs.isolation import child_context, run_in_child

    context = child_context(["tests.jobs.targets"])
    run_in_child(context, write_pid_and_hang, pid_file, time_limit=600, cancel=threading.Event())


def duckdb_for_hours(_: object) -> int:
    """A DuckDB query that counts for hours in native threads, in constant memory."""
    import duckdb

    query = "SELECT count(*) FROM range(1000000000000) t(x) WHERE x % 7 = 3"
    return int(duckdb.connect().execute(query).fetchone()[0])


def polars_for_minutes(_: object) -> float:
    """A Polars query that ranks the same column a thousand times in native threads."""
    import numpy as np
    import polars as pl

    frame = pl.DataFrame({"x": np.random.default_rng(0).random(2_000_000)})
    ranks = [pl.col("x").rank().sum().alias(f"r{i}") for i in range(1000)]
    return float(frame.lazy().select(ranks).collect().sum_horizontal().item())


def polars_pool_size(_: object) -> int:
    import polars as pl

    return pl.thread_pool_size()


def polars_threads_main(threads: int) -> None:
    """Run in a separate interpreter: print the Polars pool size of a child whose process server
    imported Polars before any run, when the run environment caps it at `threads`."""
    from jobs.isolation import child_context, run_in_child

    context = child_context(["polars", "tests.jobs.targets"])
    env = {"POLARS_MAX_THREADS": str(threads)}
    cancel = threading.Event()
    print(run_in_child(context, polars_pool_size, None, time_limit=60, cancel=cancel, env=env))


STAGE_PAUSE_SECONDS = 0.4


def slowed_produce(order: Any) -> Any:
    """The real work, pausing after it reports each stage, as a long run would spend there."""
    from jobs.isolation import tell_parent
    from jobs.produce import produce_snapshot
    from jobs.progress import reporting_to

    def report_then_pause(stage: str) -> None:
        tell_parent(stage)
        threading.Event().wait(STAGE_PAUSE_SECONDS)

    with reporting_to(report_then_pause):
        return produce_snapshot(order)
