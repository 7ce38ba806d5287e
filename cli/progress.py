"""The progress bar of long commands (data generate, data ingest, run, bench): drawn on stderr
when it is a terminal, nothing at all when it is piped or redirected."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Report = Callable[[str, float], None]  # (what is being done, overall fraction 0..1)


@contextmanager
def progress_bar(stream: TextIO | None = None) -> Iterator[Report | None]:
    """A `Report` that moves the bar; None when `stream` (stderr) is not a terminal. Lines
    printed meanwhile appear above the bar."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    # rich is imported only when a bar is drawn: a piped run does not pay for it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description:<22}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, TimeElapsedColumn(), console=Console(file=stream)) as bar:
        task = bar.add_task("starting", total=1.0)

        def report(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=min(max(fraction, 0.0), 1.0))

        yield report
