"""Explain: the strategy a config runs with and the funnel of counts through its stages.

Stages: matched intent rows, persons matched, candidates (after overlap), candidates found in
people, then each ICP filter in turn, then results.
"""

from dataclasses import dataclass
from typing import Any

from engine.backends import Funnel
from engine.backends.verify import verify_funnel
from engine.config import AudienceConfig
from engine.materialize import Strategy, backends_of, strategy_for
from engine.schema import MaterializeInput


@dataclass(frozen=True)
class Stage:
    name: str  # matchedRows | matchedPersons | candidates | inPeople | <filter key> | results
    count: int


@dataclass(frozen=True)
class Explanation:
    strategy: Strategy
    stages: tuple[Stage, ...]

    def to_dict(self) -> dict[str, Any]:
        funnel = [{"stage": stage.name, "count": stage.count} for stage in self.stages]
        return {"strategy": self.strategy.to_dict(), "funnel": funnel}


def explain(
    inputs: MaterializeInput,
    config: AudienceConfig,
    backend: str = "auto",
    *,
    threads: int | None = None,
) -> Explanation:
    strategy = strategy_for(config, backend)
    chosen = backends_of(strategy, threads=threads)
    if strategy.backend == "verify":
        funnel = verify_funnel(inputs, config, *chosen)
    else:
        funnel = chosen[0].funnel(inputs, config)
    return Explanation(strategy, stages(funnel))


def stages(funnel: Funnel) -> tuple[Stage, ...]:
    head = [
        Stage("matchedRows", funnel.matched_rows),
        Stage("matchedPersons", funnel.matched_persons),
        Stage("candidates", funnel.candidates),
        Stage("inPeople", funnel.in_people),
    ]
    filters = [Stage(key, count) for key, count in funnel.filters]
    return (*head, *filters, Stage("results", funnel.results))
