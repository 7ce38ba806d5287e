"""The demo's printed summary: fill rates, score histogram and first results as aligned text
tables. Pure functions from the API's wire types to lines."""

from collections.abc import Sequence
from typing import Final

from api.wire.results import ResultRow, Stats

# The fields a newcomer asks about first; the API reports every leaf field.
SHOWN_FIELDS: Final = (
    "fullName",
    "businessEmail",
    "personalEmail",
    "phone",
    "linkedinUrl",
    "jobTitle",
    "seniority",
    "company.name",
    "company.industry",
    "location.country",
)
BAR_WIDTH: Final = 30
CELL_WIDTH: Final = 28


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    """Rows under a header and a rule; columns in `numeric` are right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [line(header), line(["-" * width for width in widths]), *map(line, rows)]


def fill_rate_lines(stats: Stats) -> list[str]:
    shown = [name for name in SHOWN_FIELDS if name in stats.fill_rates]
    rows = [
        [name, str(stats.fill_rates[name].count), f"{stats.fill_rates[name].percent:.2f}%"]
        for name in shown
    ]
    return table(["field", "filled", "percent"], rows, numeric={1, 2})


def histogram_lines(stats: Stats) -> list[str]:
    rows = [
        [bucket.bucket, str(bucket.count), f"{bucket.percent:.2f}%", _bar(bucket.percent)]
        for bucket in stats.score_histogram
    ]
    return table(["score", "people", "percent", ""], rows, numeric={1, 2})


def result_lines(results: Sequence[ResultRow]) -> list[str]:
    rows = [
        [
            str(rank),
            _cell(row.full_name),
            _cell(row.job_title),
            _cell(row.company.name),
            str(row.intent.score),
            str(row.intent.topic_overlap),
        ]
        for rank, row in enumerate(results, start=1)
    ]
    header = ["#", "name", "title", "company", "score", "overlap"]
    return table(header, rows, numeric={0, 4, 5})


def _bar(percent: float) -> str:
    return "#" * round(percent / 100 * BAR_WIDTH)


def _cell(value: str | None) -> str:
    text = value or "-"
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 3] + "..."
