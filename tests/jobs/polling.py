"""Waiting for a condition with a deadline, instead of sleeping a fixed time."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(check: Callable[[], T], *, seconds: float, message: str = "condition") -> T:
    """The first truthy value of `check()`; AssertionError when `seconds` pass without one."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not reached within {seconds} s")
        time.sleep(0.05)


def first_times(
    start: float, checks: dict[str, Callable[[], object]], *, seconds: float
) -> dict[str, float]:
    """For each named check, the seconds from `start` (a time.monotonic()) until it first held;
    the checks are polled together, so each time is right whatever order they come true in."""
    found: dict[str, float] = {}
    deadline = time.monotonic() + seconds
    while len(found) < len(checks):
        for name, check in checks.items():
            if name not in found and check():
                found[name] = time.monotonic() - start
        if time.monotonic() > deadline:
            missing = sorted(set(checks) - set(found))
            raise AssertionError(f"{', '.join(missing)} not reached within {seconds} s")
        time.sleep(0.05)
    return found


def seconds_until(start: float, check: Callable[[], object], *, seconds: float) -> float | None:
    """Seconds from `start` (a time.monotonic()) until `check()` first held, or None when
    `seconds` pass first: for tests that report what was left undone rather than stop there."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
    return time.monotonic() - start
