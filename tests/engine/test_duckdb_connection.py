"""DuckDB connections: reused within a thread, separate across threads, safe to run in parallel."""

from concurrent.futures import ThreadPoolExecutor

from engine.backends import get_backend
from engine.backends.duckdb_connection import DuckDBOptions, cursor
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person


def test_a_thread_reuses_its_cursor_for_the_same_options() -> None:
    options = DuckDBOptions(threads=1, memory_limit="128MB")
    assert cursor(options) is cursor(options)


def test_each_thread_gets_its_own_cursor() -> None:
    options = DuckDBOptions(threads=1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(cursor, options).result()
    assert other is not cursor(options)


def test_the_database_applies_its_thread_count_and_memory_limit() -> None:
    con = cursor(DuckDBOptions(threads=1, memory_limit="128MB"))
    settings = con.sql("SELECT current_setting('threads'), current_setting('memory_limit')")
    assert settings.fetchall() == [(1, "122.0 MiB")]


def test_concurrent_runs_on_many_threads_return_their_own_results(make_inputs: MakeInputs) -> None:
    people = [person(p) for p in range(1, 21)]
    inputs = make_inputs(people=people, intent=[(p, 1 + p % 4, 60 + p) for p in range(1, 21)])
    backend = get_backend("duckdb", threads=1)
    audiences = [config([topic]) for topic in (1, 2, 3, 4)] * 3
    expected = [backend.materialize(inputs, audience).table for audience in audiences]
    with ThreadPoolExecutor(max_workers=4) as pool:
        tables = list(pool.map(lambda a: backend.materialize(inputs, a).table, audiences))
    assert all(table.equals(want) for table, want in zip(tables, expected, strict=True))
