"""Waiting for the machine to go quiet before a measurement.

A probe that follows a pandas run (10 GB freed) or a page-cache drop can start while the kernel
is still reclaiming and compacting memory on the same cores; its figures then drift by 20-40%.
"""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

QUIET_IDLE: Final = 0.95  # share of CPU time idle over one sample
SAMPLE_S: Final = 0.25
QUIET_SAMPLES: Final = 2  # consecutive quiet samples
TIMEOUT_S: Final = 15.0


def cpu_times(stat: Path = Path("/proc/stat")) -> tuple[int, int] | None:
    """(idle, total) jiffies of all CPUs, or None where /proc/stat is missing."""
    try:
        fields = stat.read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields]
    return values[3] + values[4], sum(values)  # idle + iowait


def settle(
    read: Callable[[], tuple[int, int] | None] = cpu_times,
    sleep: Callable[[float], None] = time.sleep,
    timeout_s: float = TIMEOUT_S,
) -> bool:
    """Wait until the CPUs are idle for QUIET_SAMPLES samples in a row; False on timeout."""
    before = read()
    if before is None:
        return False
    quiet, waited = 0, 0.0
    while waited < timeout_s:
        sleep(SAMPLE_S)
        waited += SAMPLE_S
        after = read()
        assert after is not None
        idle, total = after[0] - before[0], after[1] - before[1]
        quiet = quiet + 1 if total and idle / total >= QUIET_IDLE else 0
        if quiet >= QUIET_SAMPLES:
            return True
        before = after
    return False
