"""Run with `python -m tests.jobs.main_probe FILE`: two children of the run process server,
printing their process ids as JSON. `main_probe_import` records each process that imports it."""

import json
import os
import threading

from jobs.isolation import child_context, run_in_child
from tests.jobs import main_probe_import  # noqa: F401 (imported for its record)


def child_pid(_: None) -> int:
    return os.getpid()


def main() -> None:
    context = child_context([])
    pids = [
        run_in_child(context, child_pid, None, time_limit=120, cancel=threading.Event())
        for _ in range(2)
    ]
    print(json.dumps(pids))


if __name__ == "__main__":
    main()
