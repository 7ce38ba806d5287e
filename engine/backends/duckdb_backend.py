"""The DuckDB backend: candidates from one pruned intent scan, then the people join, then topics.

The intent scans push the topic and score predicate into the parquet reader (row-group pruning);
the people scan receives the ICP filters and DuckDB's join filter on candidate ids.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from engine.backends import duckdb_sql as sql
from engine.backends.duckdb_connection import DuckDBOptions, cursor
from engine.backends.output import assemble, empty_result
from engine.backends.protocol import Funnel
from engine.config import AudienceConfig
from engine.schema import MaterializeInput, MaterializeResult


@dataclass(frozen=True)
class DuckDBBackend:
    options: DuckDBOptions = field(default_factory=DuckDBOptions)

    @property
    def name(self) -> str:
        return "duckdb"

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        if not inputs.intent_files:
            return empty_result(self.name)
        con = cursor(self.options)
        clock = [time.perf_counter()]
        candidates = _candidates(con, inputs, config)
        clock.append(time.perf_counter())
        if candidates.num_rows == 0 or not inputs.people_files:
            return empty_result(self.name, candidates.num_rows)
        flat = _with_relation(con, "candidates", candidates, _results, inputs, config)
        clock.append(time.perf_counter())
        ranks = pa.table({"person_id": flat["person_id"], "rank": np.arange(flat.num_rows)})
        matched = _with_relation(con, "ranks", ranks, _matched_topics, inputs, config)
        table = assemble(flat, matched)
        clock.append(time.perf_counter())
        stages = ("candidates", "people", "topics")
        timings = {stage: clock[i + 1] - clock[i] for i, stage in enumerate(stages)}
        return MaterializeResult(table, candidates.num_rows, self.name, timings)

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        zeros = tuple((f.key, 0) for f in config.filters)
        if not inputs.intent_files:
            return Funnel(0, 0, 0, 0, zeros)
        con = cursor(self.options)
        if not inputs.people_files:
            rows, persons, candidates = _intent_counts(con, inputs, config)
            return Funnel(rows, persons, candidates, 0, zeros)
        params = sql.Params({"intent": list(inputs.intent_files)})
        params.values["people"] = list(inputs.people_files)
        row = _one_row(con, sql.funnel_query(config, params), params)
        keys = [f.key for f in config.filters]
        return Funnel(row[0], row[1], row[2], row[3], tuple(zip(keys, row[4:], strict=True)))


Query = duckdb.DuckDBPyConnection


def _candidates(con: Query, inputs: MaterializeInput, config: AudienceConfig) -> pa.Table:
    query = sql.candidates_query(config)
    return con.sql(query, params={"intent": list(inputs.intent_files)}).to_arrow_table()


def _results(con: Query, inputs: MaterializeInput, config: AudienceConfig) -> pa.Table:
    params = sql.Params({"people": list(inputs.people_files)})
    query = sql.results_query(config, params)
    return con.sql(query, params=params.values).to_arrow_table()


def _matched_topics(con: Query, inputs: MaterializeInput, config: AudienceConfig) -> pa.Table:
    params = {"intent": list(inputs.intent_files), "topics": inputs.topics_file}
    return con.sql(sql.matched_topics_query(config), params=params).to_arrow_table()


def _with_relation(
    con: Query,
    name: str,
    relation: pa.Table,
    step: Callable[[Query, MaterializeInput, AudienceConfig], pa.Table],
    inputs: MaterializeInput,
    config: AudienceConfig,
) -> pa.Table:
    """Runs `step` while `relation` is visible to SQL as `name` on this cursor."""
    con.register(name, relation)
    try:
        return step(con, inputs, config)
    finally:
        con.unregister(name)


def _intent_counts(
    con: Query, inputs: MaterializeInput, config: AudienceConfig
) -> tuple[int, int, int]:
    query = f"""
        SELECT count(*), count(DISTINCT person_id) FROM read_parquet($intent)
        WHERE {sql.matched_rows(config)}
    """
    rows, persons = _one_row(con, query, sql.Params({"intent": list(inputs.intent_files)}))
    return rows, persons, _candidates(con, inputs, config).num_rows


def _one_row(con: Query, query: str, params: sql.Params) -> tuple[int, ...]:
    (row,) = con.sql(query, params=params.values).fetchall()  # an aggregate: exactly one row
    return tuple(int(value) for value in row)
