"""Preview: counts, breakdowns and a masked sample for a config on a date, without a snapshot.

Masking removes every email and the phone, and cuts the hashed email to 16 characters + "...".
"""

from dataclasses import dataclass, field
from typing import Any, Final

import pyarrow as pa

from engine.config import AudienceConfig
from engine.materialize import Strategy, materialize, strategy_for
from engine.schema import MaterializeInput
from engine.stats import breakdowns

# Fields a sample row never carries: contact details, and the rank and internal id that are not
# part of the wire result row.
HIDDEN: Final = frozenset(
    {"rank", "personId", "businessEmail", "personalEmail", "email", "primaryContactEmail", "phone"}
)
HASH_SHOWN: Final = 16


@dataclass(frozen=True)
class PreviewResult:
    total_count: int
    candidate_count: int
    data_date: str
    strategy: Strategy
    breakdowns: dict[str, list[dict[str, object]]]
    sample: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The wire shape (camelCase) of API.md's preview, without the config fields."""
        return {
            "totalCount": self.total_count,
            "candidateCount": self.candidate_count,
            "dataDate": self.data_date,
            "strategy": self.strategy.to_dict(),
            "breakdowns": self.breakdowns,
            "sample": self.sample,
        }


def preview(
    inputs: MaterializeInput,
    config: AudienceConfig,
    *,
    sample_size: int = 10,
    backend: str = "auto",
    threads: int | None = None,
) -> PreviewResult:
    strategy = strategy_for(config, backend)
    result = materialize(inputs, config, strategy.backend, threads=threads)
    return PreviewResult(
        total_count=result.result_count,
        candidate_count=result.candidate_count,
        data_date=inputs.data_date,
        strategy=strategy,
        breakdowns=breakdowns(result.table),
        sample=masked_sample(result.table, sample_size),
    )


def masked_sample(table: pa.Table, size: int) -> list[dict[str, Any]]:
    """The first `size` rows, masked."""
    return [mask(row) for row in table.slice(0, max(size, 0)).to_pylist()]


def mask(row: dict[str, Any]) -> dict[str, Any]:
    shown = {name: value for name, value in row.items() if name not in HIDDEN}
    hashed = shown.get("hashedEmail")
    if hashed is not None:
        shown["hashedEmail"] = hashed[:HASH_SHOWN] + "..."
    return shown
