"""The demo's summary tables: aligned columns, short cells, bars in proportion."""

from typing import Any

import msgspec

from api.wire.results import Company, Demographics, Location, ResultRow, Stats
from cli.demo_report import histogram_lines, result_lines, table


def nulls(kind: type[msgspec.Struct]) -> dict[str, Any]:
    return {field.encode_name: None for field in msgspec.structs.fields(kind)}


def make_stats(**overrides: object) -> Stats:
    document = {
        "total": 10,
        "fillRates": {"phone": {"count": 1, "percent": 10.0}},
        "scoreHistogram": [
            {"bucket": "50-69", "count": 5, "percent": 50.0},
            {"bucket": "90-99", "count": 2, "percent": 20.0},
        ],
        "averages": {"score": 70.0, "topicOverlap": 1.0},
    }
    return msgspec.convert(document | overrides, Stats)


def make_row(**overrides: object) -> ResultRow:
    document = nulls(ResultRow) | {
        "company": nulls(Company),
        "location": nulls(Location),
        "demographics": nulls(Demographics),
        "intent": {"score": 91, "topicOverlap": 2, "matchedTopics": []},
    }
    return msgspec.convert(document | overrides, ResultRow)


def test_numeric_columns_are_right_aligned_under_their_header() -> None:
    lines = table(["name", "count"], [["a", "7"], ["bbb", "1234"]], numeric={1})
    assert lines == ["name  count", "----  -----", "a         7", "bbb    1234"]


def test_histogram_bars_are_in_proportion_to_the_percent() -> None:
    bars = [line.count("#") for line in histogram_lines(make_stats())[2:]]
    assert bars == [15, 6]


def test_a_missing_value_shows_as_a_dash() -> None:
    line = result_lines([make_row(fullName="Ana Li")])[2]
    assert line.split()[1:5] == ["Ana", "Li", "-", "-"]


def test_a_long_value_is_cut_with_an_ellipsis() -> None:
    line = result_lines([make_row(company=nulls(Company) | {"name": "x" * 40})])[2]
    assert "x" * 25 + "..." in line
