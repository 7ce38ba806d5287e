"""The Polars backend: matched rows collected once, candidates aggregated from them, then the
people scan filtered by ICP predicates and `is_in` on candidate ids, then matched-topic lists.

Polars sizes its thread pool once per process (POLARS_MAX_THREADS), so it takes no thread count.
"""

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl
import pyarrow as pa

from engine.backends import arrow_sources as sources
from engine.backends import polars_exprs as exprs
from engine.backends.output import (
    BACKEND_COLUMNS,
    TOPIC_COLUMNS,
    Stopwatch,
    assemble,
    empty_result,
)
from engine.backends.polars_order import rank_order
from engine.backends.protocol import Funnel
from engine.config import AudienceConfig
from engine.schema import MaterializeInput, MaterializeResult

TOPIC_FIELDS = ["topic_id", "name", "type", "industry", "category"]
OLDEST = pl.CompatLevel.oldest()


class PolarsBackend:
    @property
    def name(self) -> str:
        return "polars"

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        if not inputs.intent_files:
            return empty_result(self.name)
        watch = Stopwatch()
        matched = _matched(inputs, config)
        candidates = _candidates(matched, config)
        watch.lap("candidates")
        if candidates.height == 0 or not inputs.people_files:
            return empty_result(self.name, candidates.height)
        flat, order = _results(inputs, config, candidates)
        watch.lap("people")
        topics = _matched_topics(inputs, config, matched, flat["person_id"].gather(order))
        del matched
        table = assemble(_arrow_in_order(flat, order), topics)
        watch.lap("topics")
        return MaterializeResult(table, candidates.height, self.name, watch.laps)

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        if not inputs.intent_files:
            return Funnel(0, 0, 0, 0, tuple((f.key, 0) for f in config.filters))
        matched = _matched(inputs, config)
        candidates = _candidates(matched, config)
        in_people, passing = _filter_counts(inputs, config, candidates)
        persons = matched["person_id"].n_unique()
        return Funnel(matched.height, persons, candidates.height, in_people, passing)


def _matched(inputs: MaterializeInput, config: AudienceConfig) -> pl.DataFrame:
    scan = _scan(inputs, inputs.intent_files)
    return (
        scan.filter(exprs.matched_rows(config)).select("person_id", "topic_id", "score").collect()
    )


def _scan(
    inputs: MaterializeInput,
    files: Sequence[str],
    filtered: AudienceConfig | None = None,
    **options: Any,
) -> pl.LazyFrame:
    """Polars' own parquet scan of local files, or of an object store's files through its own
    client when the inputs name one; over any other filesystem, a scan of a pyarrow dataset, to
    which Polars hands its column selection and row predicate. Over an object store, `filtered`
    (the config whose ICP filters the caller applies) narrows the scan to the raw-value ranges
    of its clustered filters, so the row groups outside them are not fetched: inside the
    never-null filter expressions Polars cannot prune by them."""
    if inputs.filesystem is None:
        return pl.scan_parquet(list(files), **options)
    if inputs.object_store is not None:
        urls = [inputs.object_store.url(path) for path in files]
        store_options = dict(inputs.object_store.options)
        scan = pl.scan_parquet(urls, storage_options=store_options, **options)
        ranges = None if filtered is None else sources.people_prefilter(filtered, pl.col)
        return scan if ranges is None else scan.filter(ranges)
    if filtered is None:
        return pl.scan_pyarrow_dataset(sources.dataset(files, inputs.filesystem))
    return pl.scan_pyarrow_dataset(sources.people_dataset(files, inputs.filesystem, filtered))


def _candidates(matched: pl.DataFrame, config: AudienceConfig) -> pl.DataFrame:
    overlap = pl.len().cast(pl.Int16).alias("overlap")
    best = pl.col("score").max().alias("best")
    per_person = matched.group_by("person_id").agg(overlap, best)
    return per_person.filter(pl.col("overlap") >= config.min_topic_overlap)


def _people(
    inputs: MaterializeInput,
    candidates: pl.DataFrame,
    predicate: pl.Expr,
    filtered: AudienceConfig | None = None,
) -> pl.LazyFrame:
    """Candidates' people rows passing `predicate`; `filtered`: the config whose ICP filters
    `predicate` holds, letting an object store's scan skip the row groups they rule out."""
    wanted = pl.col("person_id").is_in(candidates["person_id"].implode())
    # Prefiltered: decode the predicate columns first, then only the passing rows of the rest.
    scan = _scan(inputs, inputs.people_files, filtered, parallel="prefiltered")
    return scan.filter(predicate & wanted)


def _results(
    inputs: MaterializeInput, config: AudienceConfig, candidates: pl.DataFrame
) -> tuple[pl.DataFrame, pl.Series]:
    """Passing people with their aggregates and computed columns, and their rank order.

    The aggregates are aligned to the people rows by a join of the id column alone: the wide
    people columns are never gathered whole (every gather of the frame allocates all of it).
    """
    people = _people(inputs, candidates, exprs.all_filters(config), config).collect()
    ids = people.select("person_id")
    aggregates = ids.join(candidates, on="person_id", how="left", maintain_order="left")
    flat = people.hstack([aggregates["overlap"], aggregates["best"]])
    del people, aggregates
    flat = flat.with_columns(exprs.computed_columns()).select(BACKEND_COLUMNS)
    return flat, rank_order(flat)


def _matched_topics(
    inputs: MaterializeInput, config: AudienceConfig, matched: pl.DataFrame, ranked: pl.Series
) -> pa.Table:
    """Matched-topic rows (output.TOPIC_COLUMNS) of every result, by rank, score, topic id."""
    ranks = ranked.to_frame().with_row_index("rank")
    wanted = pl.col("topic_id").is_in(list(config.topic_ids))
    topics = _scan(inputs, (inputs.topics_file,)).filter(wanted).select(TOPIC_FIELDS).collect()
    rows = matched.join(ranks, on="person_id")
    ordered = rows.sort(["rank", "score", "topic_id"], descending=[False, True, False])
    # Names joined after sorting: the sort then moves integers only.
    named = ordered.join(topics, on="topic_id", how="left", maintain_order="left")
    return _arrow(named.select(TOPIC_COLUMNS.values()))


def _arrow_in_order(frame: pl.DataFrame, order: pl.Series) -> pa.Table:
    """The frame's rows at `order`, as Arrow, emptying the frame on the way.

    Columns are gathered, converted and dropped one by one (on the Polars pool's number of
    threads), so the memory of each step is reused by the next instead of faulting in whole
    copies of the rows.
    """
    names = frame.columns
    columns: list[pl.Series | None] = [frame.drop_in_place(name) for name in names]

    def convert(index: int) -> pa.Array:
        column, columns[index] = columns[index], None  # its Polars memory goes once converted
        assert column is not None
        return column.gather(order).to_arrow(compat_level=OLDEST)

    with ThreadPoolExecutor(pl.thread_pool_size()) as pool:
        arrays = list(pool.map(convert, range(len(names))))
    return pa.Table.from_arrays(arrays, names=names)


def _arrow(frame: pl.DataFrame) -> pa.Table:
    """Plain (not view) Arrow strings: the result schema's type, reached with one cheap cast."""
    return frame.to_arrow(compat_level=OLDEST)


def _filter_counts(
    inputs: MaterializeInput, config: AudienceConfig, candidates: pl.DataFrame
) -> tuple[int, tuple[tuple[str, int], ...]]:
    """Candidates found in people, then per filter the number passing it and those before it."""
    if not inputs.people_files:
        return 0, tuple((f.key, 0) for f in config.filters)
    passing, columns = pl.lit(True), [pl.len().alias("in_people")]
    for key, expr in exprs.icp_filters(config):
        passing = passing & expr
        columns.append(passing.sum().alias(key))
    row = _people(inputs, candidates, pl.lit(True)).select(columns).collect().row(0)
    keys = [f.key for f in config.filters]
    return int(row[0]), tuple((key, int(count)) for key, count in zip(keys, row[1:], strict=True))
