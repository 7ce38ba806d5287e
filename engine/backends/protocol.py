"""The materialization seam: what every backend computes for a config on one data date.

DuckDB, Polars and the plain-Python reference implement it; one contract suite runs them all.
"""

from dataclasses import dataclass
from typing import Protocol

from engine.config import AudienceConfig
from engine.schema import MaterializeInput, MaterializeResult


@dataclass(frozen=True)
class Funnel:
    """Counts after each stage of DESIGN section 3, for explain.

    `filters` holds, per ICP filter key in config order, the number of candidates found in the
    people table that pass that filter and every filter before it.
    """

    matched_rows: int  # intent rows with a wanted topic and a score in bounds
    matched_persons: int  # distinct persons among them
    candidates: int  # persons with topicOverlap >= minTopicOverlap
    in_people: int  # candidates whose person id is in the people table
    filters: tuple[tuple[str, int], ...] = ()

    @property
    def results(self) -> int:
        return self.filters[-1][1] if self.filters else self.in_people


class Backend(Protocol):
    """Computes DESIGN section 3; every implementation returns the same rows, bit for bit.

    Results are in one total order: topicOverlap desc, score desc, hashedEmail asc with a missing
    hashed email last, then personId asc as the final tie-break (DESIGN names no tie-break after
    the hashed email, which may be missing or shared). topicOverlap counts matched intent rows,
    which are distinct topics because the dataset contract allows one row per (person, topic).
    """

    @property
    def name(self) -> str: ...

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        """Results in rank order (RESULT_SCHEMA) and the candidate count."""
        ...

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        """The count after each stage, including each ICP filter in turn."""
        ...
