"""What a competent data engineer would write instead of the engine: one DuckDB SQL query and one
Polars lazy query per audience shape of the benchmark mix, each a whole process that reads the
dataset layout and writes the joined rows, ranked, to Parquet.

`python -m benchmarks.peers.duckdb_query SHAPE DATASET DATE CONFIG_JSON OUT` (or `polars_query`).
Both follow DESIGN section 3 with `lower()` for case-insensitive comparisons; the engine's fold
differs from `lower()` only on the dotted capital I and the final sigma, which the generated data
does not hold.
"""
