"""The figures of topic discovery computed independently: SQL over the intent files, and decimal
rounding, for comparison with what the API answers."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb

from data.catalog import DatasetCatalog

Figures = dict[str, object]


def day_figures(dataset: Path, data_date: str) -> dict[int, Figures]:
    """Per topic with rows on the date: the figures of API.md."""
    files = list(DatasetCatalog(dataset).resolve(data_date).intent_files)
    rows = duckdb.execute(
        """
        SELECT topic_id, count(*), count(*) FILTER (score >= 50),
               coalesce(sum(score) FILTER (score >= 50), 0),
               count(*) FILTER (score BETWEEN 90 AND 99),
               count(*) FILTER (score BETWEEN 70 AND 89),
               count(*) FILTER (score BETWEEN 50 AND 69)
        FROM read_parquet(?) GROUP BY topic_id
        """,
        [files],
    ).fetchall()
    return {int(row[0]): _figures(data_date, *row[1:]) for row in rows}


def _figures(
    data_date: str, total: int, audience: int, score_sum: int, high: int, medium: int, low: int
) -> Figures:
    average = Decimal(0) if audience == 0 else Decimal(score_sum) / Decimal(audience)
    return {
        "date": data_date,
        "uniqueAudience": audience,
        "totalSignals": total,
        "avgScore": float(average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        "highAudience": high,
        "mediumAudience": medium,
        "lowAudience": low,
    }


def missing_day(data_date: str) -> Figures:
    return _figures(data_date, 0, 0, 0, 0, 0, 0)


def series(dataset: Path, topic_id: int) -> list[Figures]:
    """The topic on every complete date, oldest first (zeros where it had no rows)."""
    dates = DatasetCatalog(dataset).complete_dates()
    return [day_figures(dataset, d).get(topic_id) or missing_day(d) for d in dates]


def pct(today: int, yesterday: int) -> float:
    change = Decimal(today - yesterday) * 100 / Decimal(yesterday)
    return float(change.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
