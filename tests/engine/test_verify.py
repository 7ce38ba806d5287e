"""Verify mode: both backends run, and the first difference (counts, ids, field) is named."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa
import pytest

from engine.backends import Backend, Funnel, get_backend
from engine.backends.verify import verify, verify_funnel
from engine.config import AudienceConfig
from engine.errors import BackendMismatch
from engine.schema import RESULT_SCHEMA, MaterializeInput, MaterializeResult
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, person

Tamper = Callable[[list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Tampered:
    """A backend whose result rows are edited by `tamper` after a real backend computed them."""

    inner: Backend
    tamper: Tamper
    candidate_delta: int = 0

    @property
    def name(self) -> str:
        return "tampered"

    def materialize(self, inputs: MaterializeInput, config: AudienceConfig) -> MaterializeResult:
        result = self.inner.materialize(inputs, config)
        rows = result.table.to_pylist()
        self.tamper(rows)
        table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
        return replace(
            result, table=table, candidate_count=result.candidate_count + self.candidate_delta
        )

    def funnel(self, inputs: MaterializeInput, config: AudienceConfig) -> Funnel:
        return replace(self.inner.funnel(inputs, config), in_people=0)


@pytest.fixture
def inputs(make_inputs: MakeInputs) -> MaterializeInput:
    people = [person(p, job_title=f"title {p}", company_name=f"company {p}") for p in (1, 2, 3)]
    return make_inputs(people=people, intent=[(1, 1, 90), (2, 1, 80), (3, 1, 70)])


def mismatch(inputs: MaterializeInput, tamper: Tamper, candidate_delta: int = 0) -> str:
    duck = get_backend("duckdb")
    tampered = Tampered(get_backend("polars"), tamper, candidate_delta)
    with pytest.raises(BackendMismatch) as caught:
        verify(inputs, config([1]), duck, tampered)
    return str(caught.value)


def set_field(rank: int, path: str, value: object) -> Tamper:
    def tamper(rows: list[dict[str, Any]]) -> None:
        *parents, leaf = path.split(".")
        target = rows[rank - 1]
        for parent in parents:
            target = target[parent]
        target[leaf] = value

    return tamper


def test_verify_returns_the_result_labelled_verify_when_backends_agree(
    inputs: MaterializeInput,
) -> None:
    result = verify(inputs, config([1]), get_backend("duckdb"), get_backend("polars"))
    assert (result.backend, result.table.column("personId").to_pylist()) == ("verify", [1, 2, 3])
    assert {"duckdb.candidates", "polars.candidates"} <= set(result.timings)


def test_verify_names_a_different_candidate_count_first(inputs: MaterializeInput) -> None:
    message = mismatch(inputs, set_field(2, "jobTitle", "changed"), candidate_delta=1)
    assert "candidateCount 3 != 4" in message


def test_verify_names_a_different_result_count(inputs: MaterializeInput) -> None:
    assert "resultCount 3 != 2" in mismatch(inputs, lambda rows: rows.pop())


def test_verify_names_the_first_rank_whose_person_differs(inputs: MaterializeInput) -> None:
    message = mismatch(inputs, lambda rows: rows.reverse())
    assert "personId at rank 1: 1 != 3" in message


def test_verify_names_a_different_field_and_its_rank(inputs: MaterializeInput) -> None:
    message = mismatch(inputs, set_field(2, "jobTitle", "changed"))
    assert message == "duckdb and tampered differ: jobTitle at rank 2: 'title 2' != 'changed'"


def test_verify_names_a_nested_field_by_its_dotted_path(inputs: MaterializeInput) -> None:
    assert "company.name at rank 3" in mismatch(inputs, set_field(3, "company.name", None))


def test_verify_names_a_difference_inside_matched_topics(inputs: MaterializeInput) -> None:
    def tamper(rows: list[dict[str, Any]]) -> None:
        rows[0]["intent"]["matchedTopics"][0]["topicName"] = "other"

    assert "intent.matchedTopics at rank 1" in mismatch(inputs, tamper)


def test_verify_funnel_raises_when_funnels_differ(inputs: MaterializeInput) -> None:
    tampered = Tampered(get_backend("polars"), lambda rows: None)
    with pytest.raises(BackendMismatch, match="funnel"):
        verify_funnel(inputs, config([1]), get_backend("duckdb"), tampered)
