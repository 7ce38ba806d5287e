"""The ordered thread-pool map: input order, bounded work in flight, errors and early close."""

import threading

import pytest

from data.parallel import ordered_map


def test_results_come_in_input_order_whatever_finishes_first():
    second_done = threading.Event()

    def first_waits_for_second(n: int) -> int:
        if n == 0:
            assert second_done.wait(timeout=10)
        if n == 1:
            second_done.set()
        return n * 10

    results = ordered_map(first_waits_for_second, range(6), workers=3)
    assert list(results) == [0, 10, 20, 30, 40, 50]


def test_no_more_than_workers_plus_one_items_are_taken_ahead_of_the_consumer():
    taken: list[int] = []

    def items():
        for n in range(100):
            taken.append(n)
            yield n

    results = ordered_map(lambda n: n, items(), workers=2)
    next(results)
    assert len(taken) == 3


def test_a_failing_item_raises_from_the_iterator_at_its_place():
    def fail_on_two(n: int) -> int:
        if n == 2:
            raise ValueError("item 2")
        return n

    results = ordered_map(fail_on_two, range(5), workers=2)
    assert [next(results), next(results)] == [0, 1]
    with pytest.raises(ValueError, match="item 2"):
        next(results)


def test_closing_early_starts_no_further_items():
    started: list[int] = []

    def record(n: int) -> int:
        started.append(n)
        return n

    results = ordered_map(record, range(1000), workers=2)
    next(results)
    results.close()
    assert len(started) <= 3


def test_one_worker_maps_in_the_calling_thread():
    caller = threading.get_ident()
    assert set(ordered_map(lambda _: threading.get_ident(), range(3), workers=1)) == {caller}
