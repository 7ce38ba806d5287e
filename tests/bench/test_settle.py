"""The benchmark waits for quiet CPUs before each measurement, and gives up after a while."""

from collections.abc import Iterator

from benchmarks.settle import QUIET_SAMPLES, SAMPLE_S, cpu_times, settle


def _samples(busy_shares: list[float]) -> Iterator[tuple[int, int]]:
    """Cumulative (idle, total) jiffies whose successive samples are busy by these shares."""
    idle = total = 0
    yield idle, total
    for busy in busy_shares:
        idle += round(100 * (1 - busy))
        total += 100
        yield idle, total


def test_settles_after_consecutive_quiet_samples() -> None:
    samples, slept = _samples([0.9, 0.01, 0.5, 0.0, 0.02, 0.9]), []
    assert settle(lambda: next(samples), slept.append, timeout_s=10)
    assert len(slept) == 5  # busy, quiet, busy, then QUIET_SAMPLES quiet ones
    assert QUIET_SAMPLES == 2


def test_gives_up_on_a_machine_that_stays_busy() -> None:
    samples, slept = _samples([0.5] * 100), []
    assert not settle(lambda: next(samples), slept.append, timeout_s=1.0)
    assert slept == [SAMPLE_S] * 4


def test_without_proc_stat_there_is_nothing_to_wait_for(tmp_path) -> None:
    assert cpu_times(tmp_path / "missing") is None
    assert not settle(lambda: None, lambda _: None)
