"""materialize(): backend choice by plan shape, verify mode, unknown names, DuckDB sizing."""

import pytest

from engine.config_filters import TextFilter, ValuesFilter
from engine.errors import UnknownBackend
from engine.materialize import AUTO_BACKEND, materialize, strategy_for
from engine.schema import MaterializeInput
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person


@pytest.fixture
def inputs(make_inputs: MakeInputs) -> MaterializeInput:
    people = [person(1, country="us"), person(2, country="de")]
    return make_inputs(people=people, intent=[(1, 1, 90), (2, 1, 80)])


def test_auto_names_the_filtered_shape_and_its_measured_backend() -> None:
    strategy = strategy_for(config([1], ValuesFilter("location.countries", ("us",))))
    assert strategy.to_dict() == {"backend": AUTO_BACKEND["filtered"], "shape": "filtered"}


def test_auto_names_the_unfiltered_shape_and_its_measured_backend() -> None:
    strategy = strategy_for(config([1]))
    assert strategy.to_dict() == {"backend": AUTO_BACKEND["unfiltered"], "shape": "unfiltered"}


def test_an_explicit_backend_overrides_the_plan_shape() -> None:
    strategy = strategy_for(config([1], TextFilter("jobTitle.include", ("cfo",))), "duckdb")
    assert strategy.backend == "duckdb"


def test_an_unknown_backend_name_is_refused_with_the_known_names(inputs: MaterializeInput) -> None:
    with pytest.raises(UnknownBackend, match=r"backend: unknown 'spark'.*duckdb"):
        materialize(inputs, config([1]), "spark")


@pytest.mark.parametrize("backend", ["auto", "duckdb", "polars", "reference", "verify"])
def test_every_backend_choice_gives_the_same_rows(inputs: MaterializeInput, backend: str) -> None:
    result = materialize(inputs, config([1]), backend, threads=1)
    assert (result.table.column("personId").to_pylist(), result.candidate_count) == ([1, 2], 2)


def test_the_result_names_the_backend_that_ran(inputs: MaterializeInput) -> None:
    audience = config([1], ValuesFilter("location.countries", ("us",)))
    assert materialize(inputs, audience).backend == AUTO_BACKEND["filtered"]
    assert materialize(inputs, audience, "verify").backend == "verify"


def test_duckdb_runs_with_a_thread_count_and_memory_limit(inputs: MaterializeInput) -> None:
    result = materialize(inputs, config([1]), "duckdb", threads=1, memory_limit="256MB")
    assert result.result_count == 2
