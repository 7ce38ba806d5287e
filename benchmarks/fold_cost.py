"""What case folding costs a run, against folded copies of the filterable columns stored with the
people data (issue 10: "one case-folding implementation ... if the measurement agrees").

    python -m benchmarks.fold_cost [--dataset bench-data/s1] [--rows 50000] [--repeat 5]

For each backend, the job-title test with 500 `contains` terms, a 3-value company-name test (too
many raw forms: the column is lower-cased) and the selective audience's seniority test (its raw
forms are compared), each on `--rows` people (about a selective run's candidates at scale 1)
and on every person: as the backends compile them today and on a column folded ahead of time
(what a stored copy would give). Then the
bytes the stored copies of the 14 filterable text columns would add to the people file.
"""

import argparse
import io
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from engine.backends import duckdb_sql, polars_exprs
from engine.backends.folding import title_matcher
from engine.config_filters import TextFilter, ValuesFilter
from engine.filters import BY_KEY, TextMode, TextOperator

FOLDED: Final = tuple(sorted({spec.column for spec in BY_KEY.values()} - {
    "business_email", "personal_email", "phone", "linkedin_url"}))  # fmt: skip
SUFFIX: Final = "__folded"


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def filters(people: pl.DataFrame) -> list[TextFilter | ValuesFilter]:
    words = people["job_title"].drop_nulls().str.to_lowercase().str.split(" ").explode()
    common = words.value_counts(sort=True)["job_title"].head(50).to_list()
    terms = tuple(common + [f"zq{i:04d}x" for i in range(500 - len(common))])
    names = people["company_name"].drop_nulls().str.to_lowercase().unique(maintain_order=True)
    return [
        TextFilter("jobTitle.include", terms, TextOperator.CONTAINS, TextMode.ANY),
        ValuesFilter("company.names", tuple(sorted(names.head(3)))),
        ValuesFilter("role.seniority", ("c_suite", "director", "vp")),
    ]


def stored_fold(f: TextFilter | ValuesFilter) -> tuple[pl.Expr, str]:
    """The test of `f` on its column folded ahead of time, in Polars and in DuckDB SQL."""
    column = f"{BY_KEY[f.key].column}{SUFFIX}"
    if isinstance(f, TextFilter):
        terms = title_matcher(f).terms
        pattern = duckdb_sql.sql_string("|".join(terms))
        return pl.col(column).str.contains_any(
            list(terms)
        ), f'regexp_matches(p."{column}", {pattern})'
    values = ", ".join(duckdb_sql.sql_string(value) for value in f.values)
    return pl.col(column).is_in(list(f.values)), f'p."{column}" IN ({values})'


def cases(
    frame: pl.DataFrame, con: duckdb.DuckDBPyConnection, tests: list[TextFilter | ValuesFilter]
) -> dict[str, Callable[[], object]]:
    """'backend filter how' -> one count of the rows passing."""

    def polars(expr: pl.Expr) -> Callable[[], object]:
        return lambda: frame.select(expr.sum())

    def sql(predicate: str) -> Callable[[], object]:
        query = f"SELECT count(*) FILTER (WHERE {predicate}) FROM p"
        return lambda: con.execute(query).fetchall()

    found: dict[str, Callable[[], object]] = {}
    for f in tests:
        expr, predicate = stored_fold(f)
        found[f"polars {f.key} per run"] = polars(polars_exprs.filter_expr(f))
        found[f"polars {f.key} stored"] = polars(expr)
        found[f"duckdb {f.key} per run"] = sql(duckdb_sql.filter_sql(f))
        found[f"duckdb {f.key} stored"] = sql(predicate)
    return found


def stored_bytes(people: pl.DataFrame) -> tuple[int, int]:
    """Compressed bytes of the filterable columns as stored, and of their folded copies."""

    def size(table: pa.Table) -> int:
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd", row_group_size=100_000)
        return sink.tell()

    raw = people.select(FOLDED)
    folded = raw.select(pl.all().str.to_lowercase())
    return size(raw.to_arrow()), size(folded.to_arrow())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fold_cost", description=__doc__)
    parser.add_argument("--dataset", type=Path, default=Path("bench-data/s1"))
    parser.add_argument("--rows", type=int, default=50_000, help="the candidates' rows")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    files = sorted(args.dataset.glob("people/*/part-*.parquet"))
    people = pl.read_parquet(files, columns=list(FOLDED))
    tests = filters(people)
    folded = [pl.col(c).str.to_lowercase().alias(f"{c}{SUFFIX}") for c in FOLDED]
    everyone = people.with_columns(folded)
    for label, frame in (
        (f"{args.rows:,} rows", everyone.sample(args.rows, seed=7)),
        (f"{everyone.height:,} rows", everyone),
    ):
        con = duckdb.connect()
        con.register("p", frame.to_arrow())
        for name, run in cases(frame, con, tests).items():
            ms = 1000 * median_seconds(run, args.repeat)
            print(f"{label:>16} {name:42} {ms:8.1f} ms")
    raw, copies = stored_bytes(people)
    total = sum(f.stat().st_size for f in files)
    print(
        f"people files {total / 1e6:.1f} MB; the {len(FOLDED)} filterable columns "
        f"{raw / 1e6:.1f} MB; their folded copies would add {copies / 1e6:.1f} MB "
        f"(+{100 * copies / total:.0f}%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
