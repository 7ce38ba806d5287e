"""Embedded background work starts below the API's CPU priority (Linux: per-thread niceness)."""

import os
import threading

import pytest

from cli.priority import start_in_background


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_threads_started_in_the_background_inherit_the_raised_niceness() -> None:
    seen: list[int] = []

    def start() -> None:
        worker = threading.Thread(target=lambda: seen.append(_niceness()))
        worker.start()
        worker.join()

    before = _niceness()
    start_in_background(start, niceness=3)
    assert seen == [min(before + 3, 19)]


def test_the_caller_keeps_its_own_niceness() -> None:
    before = _niceness()
    start_in_background(lambda: None, niceness=3)
    assert _niceness() == before


def test_an_error_of_start_is_raised_in_the_caller() -> None:
    def start() -> None:
        raise RuntimeError("broker down")

    with pytest.raises(RuntimeError, match="broker down"):
        start_in_background(start)
