"""Materialization: one audience config on one data date, by the backend its plan shape suits.

"auto" picks a backend from the config's plan shape alone (a measured table, AUTO_BACKEND);
"verify" runs both and fails on any difference.
"""

from dataclasses import dataclass
from typing import Final

from engine.backends import BACKEND_NAMES, Backend, get_backend
from engine.backends.verify import verify
from engine.config import AudienceConfig
from engine.errors import UnknownBackend
from engine.schema import MaterializeInput, MaterializeResult

CHOICES: Final = ("auto", "verify", *BACKEND_NAMES)
FILTERED, UNFILTERED = "filtered", "unfiltered"
# Plan shape -> backend: Polars leads on both shapes because its prefiltered people scan decodes
# only the candidate rows (figures in benchmarks/PERF.md). A new measurement changes this table,
# not the code.
AUTO_BACKEND: Final = {FILTERED: "polars", UNFILTERED: "polars"}
VERIFY_PAIR: Final = ("duckdb", "polars")


@dataclass(frozen=True)
class Strategy:
    """How a config is materialized: the backend and the plan shape that chose it."""

    backend: str  # duckdb | polars | reference | verify
    shape: str  # filtered (ICP filters prune the people scan) | unfiltered

    def to_dict(self) -> dict[str, str]:
        return {"backend": self.backend, "shape": self.shape}


def strategy_for(config: AudienceConfig, backend: str = "auto") -> Strategy:
    if backend not in CHOICES:
        raise UnknownBackend(backend, CHOICES)
    shape = FILTERED if config.filters else UNFILTERED
    return Strategy(AUTO_BACKEND[shape] if backend == "auto" else backend, shape)


def materialize(
    inputs: MaterializeInput,
    config: AudienceConfig,
    backend: str = "auto",
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> MaterializeResult:
    """Results in rank order and the candidate count; `threads`/`memory_limit` size DuckDB."""
    strategy = strategy_for(config, backend)
    chosen = backends_of(strategy, threads=threads, memory_limit=memory_limit)
    if strategy.backend == "verify":
        return verify(inputs, config, *chosen)
    return chosen[0].materialize(inputs, config)


def backends_of(
    strategy: Strategy, *, threads: int | None = None, memory_limit: str | None = None
) -> list[Backend]:
    """The backends a strategy runs: one, or the verify pair."""
    names = VERIFY_PAIR if strategy.backend == "verify" else (strategy.backend,)
    return [get_backend(name, threads=threads, memory_limit=memory_limit) for name in names]
