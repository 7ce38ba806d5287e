"""Explain: the strategy and the count after each stage, the same on every backend."""

import pytest

from engine.config_filters import ValuesFilter
from engine.explain import explain
from engine.schema import MaterializeInput
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person

AUDIENCE = config(
    [1, 2],
    ValuesFilter("location.countries", ("us",)),
    ValuesFilter("role.seniority", ("vp",)),
    overlap=2,
)


@pytest.fixture
def inputs(make_inputs: MakeInputs) -> MaterializeInput:
    intent = [
        (1, 1, 90), (1, 2, 80), (2, 1, 70), (2, 2, 60), (3, 1, 95), (4, 1, 40), (4, 2, 99),
        (5, 1, 85), (5, 2, 85), (6, 2, 75), (6, 1, 55),
    ]  # fmt: skip
    people = [
        person(1, country="us", seniority="vp"),
        person(2, country="US", seniority="entry"),
        person(3, country="de", seniority="vp"),
        person(4, country="us", seniority="vp"),
        person(6, country="de", seniority="vp"),
    ]
    return make_inputs(people=people, intent=intent)


@pytest.mark.parametrize("backend", ["duckdb", "polars", "reference", "verify"])
def test_funnel_counts_each_stage_then_each_filter_in_turn(
    inputs: MaterializeInput, backend: str
) -> None:
    funnel = explain(inputs, AUDIENCE, backend).to_dict()["funnel"]
    assert funnel == [
        {"stage": "matchedRows", "count": 10},
        {"stage": "matchedPersons", "count": 6},
        {"stage": "candidates", "count": 4},
        {"stage": "inPeople", "count": 3},
        {"stage": "location.countries", "count": 2},
        {"stage": "role.seniority", "count": 1},
        {"stage": "results", "count": 1},
    ]


def test_explain_reports_the_strategy_auto_chose(inputs: MaterializeInput) -> None:
    strategy = explain(inputs, AUDIENCE).to_dict()["strategy"]
    assert strategy == {"backend": "polars", "shape": "filtered"}


@pytest.mark.parametrize("backend", ["duckdb", "polars", "reference"])
def test_funnel_of_an_empty_date_is_all_zero(make_inputs: MakeInputs, backend: str) -> None:
    inputs = make_inputs(people=[person(1)], intent=[])
    counts = [stage.count for stage in explain(inputs, AUDIENCE, backend).stages]
    assert counts == [0] * 7
