"""Concurrent misses of one key share one blocking load; its error reaches each of them."""

import asyncio
import threading

import pytest

from api.coalesce import Coalescer


def _together(
    coalescer: Coalescer[str, int], callers: int, load_value: int | Exception
) -> tuple[list[int | BaseException], int]:
    """Results of `callers` concurrent loads of one key whose load blocks until all have asked,
    and how many times the load ran."""
    gate, runs = threading.Event(), []

    def load() -> int:
        runs.append(1)
        assert gate.wait(timeout=10)
        if isinstance(load_value, Exception):
            raise load_value
        return load_value

    async def main() -> list[int | BaseException]:
        tasks = [asyncio.ensure_future(coalescer.load("k", load)) for _ in range(callers)]
        await asyncio.sleep(0)  # a yield, not a wait: every task asks before the load ends
        gate.set()
        return await asyncio.gather(*tasks, return_exceptions=True)

    return asyncio.run(main()), len(runs)


def test_concurrent_callers_of_one_key_share_one_load() -> None:
    results, runs = _together(Coalescer(), 5, 7)
    assert (results, runs) == ([7] * 5, 1)


def test_an_error_of_the_shared_load_reaches_every_caller() -> None:
    results, runs = _together(Coalescer(), 3, LookupError("gone"))
    assert runs == 1
    assert all(isinstance(result, LookupError) for result in results)


def test_a_load_that_ended_is_not_kept() -> None:
    coalescer: Coalescer[str, int] = Coalescer()
    assert _together(coalescer, 2, 1) == ([1, 1], 1)
    assert _together(coalescer, 2, 2) == ([2, 2], 1)


def test_a_started_load_nobody_waits_for_logs_its_error(caplog: pytest.LogCaptureFixture) -> None:
    def load() -> int:
        raise LookupError("gone")

    kept: list[tuple[str, int]] = []

    async def main() -> None:
        Coalescer[str, int]().start("k", load, lambda key, value: kept.append((key, value)))
        await asyncio.gather(
            *(asyncio.all_tasks() - {asyncio.current_task()}), return_exceptions=True
        )

    asyncio.run(main())
    assert "background load failed" in caplog.text
    assert kept == []


def test_a_started_load_hands_its_value_to_then_on_the_event_loop() -> None:
    kept: list[tuple[str, int, bool]] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def then(key: str, value: int) -> None:
            kept.append((key, value, asyncio.get_running_loop() is loop))

        Coalescer[str, int]().start("k", lambda: 7, then)
        await asyncio.gather(*(asyncio.all_tasks() - {asyncio.current_task()}))
        await asyncio.sleep(0)  # the done callbacks run on the loop's next turn

    asyncio.run(main())
    assert kept == [("k", 7, True)]
