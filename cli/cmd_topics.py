"""`intent topics search|trend|movers`: topic discovery on a dataset, as tables or JSON.

Reads the dataset's topic tables directly (no server needed); `--json` prints what the API's
`data` would hold for the same question.
"""

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import msgspec

from api.wire.topics import mover_out, topic_out, trend_point
from cli.datasets import open_dataset
from cli.errors import CliError
from data.errors import DatasetError
from data.storage import as_location
from data.topic_index import Filters, LiveTopicIndex, TopicIndex
from jobs.settings import Settings, SettingsError


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    search = commands.add_parser("search", help="topics matching a query, best first")
    search.add_argument("query", help="name, part of a name or keyword; typos are tolerated")
    search.add_argument("--limit", type=_bounded(1, 50), default=10, help="1-50 (10)")
    _filters(search)
    search.set_defaults(handler=run_search)
    trend = commands.add_parser("trend", help="a topic's figures on each complete date")
    trend.add_argument("topic_id", type=int, metavar="ID")
    trend.add_argument("--days", type=_bounded(1, 366), default=30, help="last N dates (30)")
    _common(trend)
    trend.set_defaults(handler=run_trend)
    movers = commands.add_parser("movers", help="largest audience changes since the day before")
    movers.add_argument("--direction", choices=("up", "down"), default="up")
    movers.add_argument("--limit", type=_bounded(1, 50), default=20, help="1-50 (20)")
    movers.add_argument(
        "--min-audience", type=_bounded(0, 10**9), help="yesterday's audience at least (setting)"
    )
    _filters(movers)
    movers.set_defaults(handler=run_movers)


def run_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise CliError("QUERY must have a letter or digit")
    found = _index(args).search(args.query, _chosen(args), args.limit)
    rows = [topic_out(topic) for topic in found]
    columns = ("topicId", "topicName", "type", "industry", "category")
    return _print(args, rows, columns)


def run_trend(args: argparse.Namespace) -> int:
    index = _index(args)
    at = index.position(args.topic_id)
    if at is None:
        raise CliError(f"topic {args.topic_id}: no such topic", exit_code=1)
    topic = index.topic(at)
    rows = [trend_point(topic, day) for day in index.trend(at, args.days)]
    if not args.json:
        print(f"{topic.topic_id} {topic.name} ({topic.type}, {topic.industry}, {topic.category})")
    columns = ("date", "uniqueAudience", "totalSignals", "avgScore", "highAudience",
               "mediumAudience", "lowAudience")  # fmt: skip
    return _print(args, rows, columns)


def run_movers(args: argparse.Namespace) -> int:
    index = _index(args)
    minimum = args.min_audience
    if minimum is None:
        minimum = _settings().movers_min_audience
    found = index.movers(_chosen(args), args.direction, args.limit, minimum)
    rows = [mover_out(mover) for mover in found]
    columns = ("topicId", "topicName", "type", "industry", "yesterdayAudience",
               "todayAudience", "pctChange")  # fmt: skip
    return _print(args, rows, columns)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        type=as_location,
        help="directory or s3://bucket/prefix (default INTENT_DATASET)",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON array")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", choices=("b2b", "b2c", "both"), default="both")
    parser.add_argument("--industry", help="only topics of this industry (any case)")
    _common(parser)


def _chosen(args: argparse.Namespace) -> Filters:
    return Filters(args.type, args.industry)


def _bounded(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {low}-{high}, got {value}")
        return value

    return parse


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


def _index(args: argparse.Namespace) -> TopicIndex:
    catalog = open_dataset(args.dataset)
    root = catalog.root
    try:
        return LiveTopicIndex(catalog).current()
    except DatasetError as exc:
        raise CliError(f"dataset {root}: {exc}", exit_code=1) from None


def _print(args: argparse.Namespace, rows: Sequence[msgspec.Struct], columns: Sequence[str]) -> int:
    documents = msgspec.to_builtins(list(rows))
    if args.json:
        sys.stdout.write(msgspec.json.encode(documents).decode() + "\n")
    else:
        print(table(documents, columns))
    return 0


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """Aligned columns with a header; numbers right-aligned; `(none)` for no rows."""
    if not rows:
        return "(none)"
    cells = [[_cell(row[name]) for name in columns] for row in rows]
    widths = [max(len(name), *(len(line[n]) for line in cells)) for n, name in enumerate(columns)]
    numeric = [isinstance(rows[0][name], int | float) for name in columns]
    lines = [_line(list(columns), widths, [False] * len(columns))]
    lines += [_line(line, widths, numeric) for line in cells]
    return "\n".join(lines)


def _cell(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _line(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    parts = [
        cell.rjust(width) if right else cell.ljust(width)
        for cell, width, right in zip(cells, widths, numeric, strict=True)
    ]
    return "  ".join(parts).rstrip()
