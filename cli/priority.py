"""Background work started below the API's CPU priority: embedded runs never starve requests.

Linux keeps a niceness per thread, inherited by what it starts; elsewhere the whole process moves.
"""

import os
import threading
from collections.abc import Callable
from typing import Final

BACKGROUND_NICENESS: Final = 10  # a CPU share of ~1/10 of the API's while both want the CPU


def start_in_background(start: Callable[[], None], niceness: int = BACKGROUND_NICENESS) -> None:
    """Call `start` on a thread whose niceness is raised by `niceness` first: every thread and
    process `start` starts (workers, scheduler, each run's child process) inherits it. Returns
    when `start` does; its exception is raised here."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            os.nice(niceness)
            start()
        except BaseException as exc:  # re-raised by the caller's thread below
            failed.append(exc)

    thread = threading.Thread(target=run, name="intent-background-start")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
