"""Job-title filters over every title of a dataset's people: one test per term against the one
compiled matcher per filter the backends use (benchmarks/PERF.md).

    python -m benchmarks.title_matcher DATASET CONFIG.json
"""

import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb
import polars as pl

from engine.backends import duckdb_sql, polars_exprs
from engine.backends.folding import folded_values
from engine.config import parse_config
from engine.config_filters import TextFilter


def per_term_polars(f: TextFilter) -> pl.Expr:
    subject = pl.col("job_title").str.to_lowercase()
    terms = [subject.str.contains(v, literal=True) for v in folded_values(f.values)]
    return pl.col("job_title").is_not_null() & pl.any_horizontal(terms)


def per_term_duckdb(f: TextFilter) -> str:
    subject = duckdb_sql.folded("p.job_title", f.values)
    terms = (f"contains({subject}, {duckdb_sql.sql_string(v)})" for v in folded_values(f.values))
    return f"p.job_title IS NOT NULL AND ({' OR '.join(terms)})"


def _count(con: duckdb.DuckDBPyConnection, query: str) -> object:
    return con.sql(query).fetchall()


def median_seconds(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(dataset: Path, config_file: Path) -> None:
    frame = pl.read_parquet(sorted(dataset.glob("people/*/*.parquet")), columns=["job_title"])
    con = duckdb.connect()
    con.register("p", frame.to_arrow())
    config = parse_config(json.loads(config_file.read_text()))
    for f in config.filters:
        if not isinstance(f, TextFilter):
            continue
        exprs = {"per term": per_term_polars(f), "matcher": polars_exprs.filter_expr(f)}
        sqls = {"per term": per_term_duckdb(f), "matcher": duckdb_sql.filter_sql(f)}
        cases: dict[str, Callable[[], object]] = {}
        for how, expr in exprs.items():
            cases[f"polars {how}"] = partial(frame.select, expr.sum())
        for how, where in sqls.items():
            query = f"SELECT count(*) FILTER (WHERE {where}) FROM p"
            cases[f"duckdb {how}"] = partial(_count, con, query)
        for name, run in cases.items():
            print(f"{f.key} ({len(f.values)} terms) {name}: {median_seconds(run):.3f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
