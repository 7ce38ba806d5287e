"""A target for a run's child process that imports nothing itself: what it finds loaded is what
the child process server preloaded."""

import sys


def engine_libraries_loaded(_: None) -> list[str]:
    """Which engine libraries the child has before any run imports one."""
    return sorted({name.split(".")[0] for name in sys.modules} & {"duckdb", "polars"})
