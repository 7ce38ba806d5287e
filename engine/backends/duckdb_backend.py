"""The DuckDB backend: candidates from one pruned intent scan, then the people join, then topics.

The intent scans push the topic and score predicate into the parquet reader (row-group pruning);
with ICP filters the people are read twice: the id and filter columns to find the passing
candidates, then every column of those (DuckDB's join filter on candidate ids prunes both scans).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs

from engine.backends import arrow_sources as sources
from engine.backends import duckdb_sql as sql
from engine.backends.duckdb_connection import DuckDBOptions, cursor
from engine.backends.output import Stopwatch, assemble, empty_result
from engine.backends.protocol import Funnel
from engine.config import AudienceConfig
from engine.schema import MaterializeInput, MaterializeResult

Cursor = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class DuckDBBackend:
    options: DuckDBOptions = field(default_factory=DuckDBOptions)

    @property
    def name(self) -> str:
        return "duckdb"

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        if not inputs.intent_files:
            return empty_result(self.name)
        con, watch = cursor(self.options), Stopwatch()
        candidates = _query(
            con, sql.candidates_query(config), inputs, None, intent=inputs.intent_files
        )
        watch.lap("candidates")
        if candidates.num_rows == 0 or not inputs.people_files:
            return empty_result(self.name, candidates.num_rows)
        with _registered(con, "candidates", candidates):
            passing = candidates.select(["person_id"])
            if config.filters:
                passing = _query(
                    con, sql.passing_query(config), inputs, config, people=inputs.people_files
                )
            with _registered(con, "passing", passing):
                flat = _query(con, sql.results_query(), inputs, config, people=inputs.people_files)
        watch.lap("people")
        ranks = pa.table({"person_id": flat["person_id"], "rank": np.arange(flat.num_rows)})
        with _registered(con, "ranks", ranks):
            matched = _query(
                con,
                sql.matched_topics_query(config),
                inputs,
                None,
                intent=inputs.intent_files,
                topics=inputs.topics_file,
            )
        table = assemble(flat, matched)
        watch.lap("topics")
        return MaterializeResult(table, candidates.num_rows, self.name, watch.laps)

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        zeros = tuple((f.key, 0) for f in config.filters)
        if not inputs.intent_files:
            return Funnel(0, 0, 0, 0, zeros)
        con = cursor(self.options)
        counts = _counts(con, sql.intent_counts_query(config), inputs, intent=inputs.intent_files)
        rows, persons, candidates = counts
        if candidates == 0 or not inputs.people_files:
            return Funnel(rows, persons, candidates, 0, zeros)
        ids = _query(con, sql.candidates_query(config), inputs, None, intent=inputs.intent_files)
        with _registered(con, "candidates", ids):
            people = _counts(
                con, sql.people_counts_query(config), inputs, people=inputs.people_files
            )
        in_people, *passing = people
        keys = [f.key for f in config.filters]
        return Funnel(rows, persons, candidates, in_people, tuple(zip(keys, passing, strict=True)))


def _query(
    con: Cursor,
    query: str,
    inputs: MaterializeInput,
    filtered: AudienceConfig | None,
    **files: str | tuple[str, ...],
) -> pa.Table:
    """`query` with its file parameters (a path or a list of paths) bound, as an Arrow table.

    `filtered`: the config whose ICP filters the query applies to every people row it keeps,
    so an object store's people scan may skip the row groups they rule out.
    """
    lists = {
        name: [value] if isinstance(value, str) else list(value) for name, value in files.items()
    }
    if inputs.filesystem is None:
        return con.sql(query, params=lists).to_arrow_table()
    with _datasets(con, inputs.filesystem, filtered, lists) as relations:
        for name, relation in relations.items():
            query = query.replace(f"read_parquet(${name})", relation)
        return con.sql(query).to_arrow_table()


def _counts(
    con: Cursor, query: str, inputs: MaterializeInput, **files: tuple[str, ...]
) -> list[int]:
    """The one row of an aggregate `query`, as ints."""
    return [int(column[0].as_py()) for column in _query(con, query, inputs, None, **files).columns]


@contextmanager
def _datasets(
    con: Cursor,
    filesystem: pafs.FileSystem,
    filtered: AudienceConfig | None,
    files: dict[str, list[str]],
) -> Iterator[dict[str, str]]:
    """Each file list as a pyarrow dataset on `filesystem`, registered under a relation name.

    DuckDB's own reader would need its httpfs extension for an object store; over a pyarrow
    dataset it pushes the column selection and the row filters down to pyarrow's parquet scan,
    which prunes row groups by their statistics and fetches only the byte ranges it keeps.
    """
    relations = {name: f"{name}_dataset" for name in files}
    for name, paths in files.items():
        if name == "people" and filtered is not None:
            source = sources.people_dataset(paths, filesystem, filtered)
        else:
            source = sources.dataset(paths, filesystem)
        con.register(relations[name], source)
    try:
        yield relations
    finally:
        for relation in relations.values():
            con.unregister(relation)


@contextmanager
def _registered(con: Cursor, name: str, table: pa.Table) -> Iterator[None]:
    """`table` visible to SQL as `name` on this cursor inside the block."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
