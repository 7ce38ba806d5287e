"""The topic catalog in memory: topics and every complete date's topic table as arrays, with the
questions topic discovery asks of them (browse, facets, trend, compare, movers).

Built from the files by `LiveTopicIndex`, which rebuilds it when a date completes or the topics
change; a built `TopicIndex` is never modified, so readers need no lock.
"""

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import pyarrow as pa

from data import contract, topic_stats
from data.catalog import DatasetCatalog
from data.topic_search import SearchIndex, fold

log = logging.getLogger(__name__)
FIGURES: Final = (
    "total_signals",
    "unique_audience",
    "audience_score_sum",
    "high_audience",
    "medium_audience",
    "low_audience",
)
BOTH: Final = "both"  # the `type` filter that keeps every type


class Topic(NamedTuple):
    topic_id: int
    name: str
    type: str
    industry: str
    category: str


class DayFigures(NamedTuple):
    """One topic on one date (all 0 when it had no intent rows that day)."""

    date: str
    unique_audience: int
    total_signals: int
    avg_score: float
    high_audience: int
    medium_audience: int
    low_audience: int


class Mover(NamedTuple):
    topic: Topic
    today: int
    yesterday: int
    pct_change: float


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class Filters:
    """Exact matches on the topic's fields (case-insensitive); None or `both` keeps all."""

    type: str | None = None
    industry: str | None = None
    category: str | None = None


class TopicIndex:
    """Topics in `topic_id` order and, per complete date with a topic table, their figures."""

    def __init__(self, topics: pa.Table, days: Sequence[tuple[str, pa.Table]]) -> None:
        table = topics.sort_by("topic_id")
        self.ids = table.column("topic_id").to_numpy().astype(np.int64)
        self.names = _texts(table, "name")
        self.types = _texts(table, "type")
        self.industries = _texts(table, "industry")
        self.categories = _texts(table, "category")
        self.keywords = [
            [str(k) for k in row or () if k] for row in table.column("keywords").to_pylist()
        ]
        self._codes = {
            "type": _Codes(self.types),
            "industry": _Codes(self.industries),
            "category": _Codes(self.categories),
        }
        self.dates = tuple(day for day, _ in days)
        self.figures = {name: np.zeros((len(days), len(self.ids)), np.int64) for name in FIGURES}
        for row, (_, stats) in enumerate(days):
            self._place(row, stats)
        self.search_index = SearchIndex(self.names, self.keywords)
        self._movers: dict[tuple[str, int], np.ndarray] = {}
        self.facets = {
            "types": _facet(self.types),
            "industries": _facet(self.industries),
            "categories": _facet(self.categories),
        }

    def _place(self, row: int, stats: pa.Table) -> None:
        ids = stats.column("topic_id").to_numpy().astype(np.int64)
        found = np.minimum(np.searchsorted(self.ids, ids), max(len(self.ids) - 1, 0))
        known = self.ids[found] == ids if len(self.ids) else np.zeros(len(ids), bool)
        for name in FIGURES:
            self.figures[name][row, found[known]] = stats.column(name).to_numpy()[known]

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, topic_id: int) -> int | None:
        at = int(np.searchsorted(self.ids, topic_id))
        return at if at < len(self.ids) and self.ids[at] == topic_id else None

    def topic(self, at: int) -> Topic:
        return Topic(
            int(self.ids[at]),
            self.names[at],
            self.types[at],
            self.industries[at],
            self.categories[at],
        )

    def latest_audience(self) -> np.ndarray:
        """Each topic's audience on the latest date (0 everywhere without dates)."""
        audience = self.figures["unique_audience"]
        return audience[-1] if len(self.dates) else np.zeros(len(self.ids), np.int64)

    def mask(self, filters: Filters) -> np.ndarray:
        """Which topics pass the filters."""
        keep = np.ones(len(self.ids), dtype=bool)
        for field, wanted in (
            ("type", None if filters.type == BOTH else filters.type),
            ("industry", filters.industry),
            ("category", filters.category),
        ):
            if wanted is not None:
                keep &= self._codes[field].equal(wanted)
        return keep

    def browse(
        self, filters: Filters, text: str | None, page: int, page_size: int
    ) -> tuple[list[Topic], int]:
        """One page of the matching topics in `topic_id` order, and how many match in all."""
        keep = self.mask(filters)
        if text:
            keep &= self.search_index.contains(text)
        matching = np.flatnonzero(keep)
        start = (page - 1) * page_size
        chosen = matching[start : start + page_size]
        return [self.topic(int(at)) for at in chosen], len(matching)

    def search(self, text: str, filters: Filters, limit: int) -> list[Topic]:
        found = self.search_index.search(text, self.mask(filters), self.latest_audience(), limit)
        return [self.topic(at) for at in found]

    def trend(self, at: int, days: int) -> list[DayFigures]:
        """The topic's figures on each of the last `days` dates, oldest first."""
        first = max(len(self.dates) - days, 0)
        return [self._day(row, at) for row in range(first, len(self.dates))]

    def _day(self, row: int, at: int) -> DayFigures:
        f = {name: int(values[row, at]) for name, values in self.figures.items()}
        return DayFigures(
            self.dates[row],
            f["unique_audience"],
            f["total_signals"],
            topic_stats.average_score(f["audience_score_sum"], f["unique_audience"]),
            f["high_audience"],
            f["medium_audience"],
            f["low_audience"],
        )

    def movers(
        self, filters: Filters, direction: str, limit: int, min_yesterday: int
    ) -> list[Mover]:
        """Topics whose audience changed most between the two latest dates: `up` the largest
        rises first, `down` the largest falls first; ties by `topic_id`. Topics with fewer than
        `min_yesterday` people the day before, or no change in that direction, are left out."""
        if len(self.dates) < 2:
            return []
        audience = self.figures["unique_audience"]
        today, yesterday = audience[-1], audience[-2]
        ranked = self._ranked_movers(direction, min_yesterday)
        order = ranked[self.mask(filters)[ranked]][:limit]
        return [self._mover(int(at), int(today[at]), int(yesterday[at])) for at in order]

    def _ranked_movers(self, direction: str, min_yesterday: int) -> np.ndarray:
        """Every mover in that direction, best first, whatever the filters: worked out once per
        index (which never changes) and then only filtered."""
        found = self._movers.get((direction, min_yesterday))
        if found is None:
            audience = self.figures["unique_audience"]
            today, yesterday = audience[-1], audience[-2]
            keep = yesterday >= max(min_yesterday, 1)
            keep &= today > yesterday if direction == "up" else today < yesterday
            chosen = np.flatnonzero(keep)
            # The change in basis points, exact: the ranking never depends on float rounding.
            change = _percent_basis_points(today[chosen], yesterday[chosen])
            key = -change if direction == "up" else change
            found = self._movers[direction, min_yesterday] = chosen[
                np.lexsort((self.ids[chosen], key))
            ]
        return found

    def _mover(self, at: int, today: int, yesterday: int) -> Mover:
        return Mover(self.topic(at), today, yesterday, pct_change(today, yesterday))


def pct_change(today: int, yesterday: int) -> float:
    """(today - yesterday) / yesterday in percent, 2 decimals, halves away from zero."""
    basis_points = int(_percent_basis_points(np.array([today]), np.array([yesterday]))[0])
    return basis_points / 100


def _percent_basis_points(today: np.ndarray, yesterday: np.ndarray) -> np.ndarray:
    """Hundredths of a percent of change, rounded half away from zero, in integers."""
    change = (today - yesterday) * 10_000
    magnitude = (2 * np.abs(change) + yesterday) // (2 * yesterday)
    return np.asarray(np.sign(change) * magnitude)


class _Codes:
    """A text column as small integers, one per distinct folded value: filters compare ints."""

    def __init__(self, values: Sequence[str]) -> None:
        self._code: dict[str, int] = {}
        folded = [fold(value) for value in values]
        self._values = np.array([self._code.setdefault(v, len(self._code)) for v in folded])

    def equal(self, value: str) -> np.ndarray:
        code = self._code.get(fold(value))
        if code is None:
            return np.zeros(len(self._values), dtype=bool)
        return np.asarray(self._values == code)


def _texts(table: pa.Table, column: str) -> list[str]:
    return ["" if value is None else str(value) for value in table.column(column).to_pylist()]


def _facet(values: Sequence[str]) -> list[FacetCount]:
    counts = Counter(value for value in values if value)
    return [FacetCount(v, n) for v, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


class LiveTopicIndex:
    """The current `TopicIndex` of a dataset, rebuilt when its complete dates or its topics file
    change. A date's topic table is read once; dates without one (written before it existed,
    see `intent data index`) are left out and logged.

    With `background`, a change is rebuilt in a thread while the previous index keeps answering
    (a rebuild of 20,000 topics takes about a second of CPU, which would otherwise stall every
    request of an event loop); only the very first index is built in the caller."""

    def __init__(self, catalog: DatasetCatalog, *, background: bool = False) -> None:
        self._catalog = catalog
        self._background = background
        self._rebuilding: threading.Thread | None = None
        self._lock = threading.Lock()
        self._index: TopicIndex | None = None
        self._state: _State | None = None
        self._tables: dict[tuple[str, str], pa.Table] = {}
        self._unindexed: set[str] = set()

    def current(self) -> TopicIndex:
        """The index of the dataset as it is now; a few `stat` calls when nothing changed."""
        state = self._observe()
        index = self._index
        if index is not None and self._state == state:
            return index
        if index is not None and self._background:
            self._rebuild_in_background(state)
            return index
        return self._rebuild(state)

    def _rebuild(self, state: "_State") -> TopicIndex:
        with self._lock:
            if self._index is None or self._state != state:
                self._index = TopicIndex(self._catalog.topics(), self._days(state.dates))
                self._state = state
            return self._index

    def _rebuild_in_background(self, state: "_State") -> None:
        """At most one rebuild thread at a time; a failed one is logged and tried again later."""
        with self._lock:
            if self._rebuilding is not None and self._rebuilding.is_alive():
                return
            self._rebuilding = threading.Thread(
                target=self._rebuild_logged, args=(state,), name="topic-index", daemon=True
            )
            self._rebuilding.start()

    def _rebuild_logged(self, state: "_State") -> None:
        try:
            self._rebuild(state)
        except Exception:  # the previous index keeps answering; the next request retries
            log.exception("rebuilding the topic index failed")

    def _observe(self) -> "_State":
        topics = contract.topics_path(self._catalog.root)
        try:
            stat = topics.stat()
            signature: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            signature = None
        return _State(tuple(self._catalog.complete_dates()), signature)

    def _days(self, dates: Sequence[str]) -> list[tuple[str, pa.Table]]:
        days, tables = [], {}
        for day in dates:
            manifest = self._catalog.manifest(day)
            path = topic_stats.listed_path(self._catalog.root, day, manifest)
            if path is None:
                if day not in self._unindexed:
                    log.warning("data date %s has no topic table; run `intent data index`", day)
                    self._unindexed.add(day)
                continue
            entry = manifest[topic_stats.MANIFEST_KEY]
            key = (day, str(entry.get("sha256") if isinstance(entry, dict) else ""))
            tables[key] = self._tables.get(key) or topic_stats.read(path)
            days.append((day, tables[key]))
        self._tables = tables
        return days


class _State(NamedTuple):
    """What the index was built from: the complete dates and the topics file's signature."""

    dates: tuple[str, ...]
    topics: tuple[int, int, int] | None
