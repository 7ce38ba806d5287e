"""Preview: counts, date, strategy, breakdowns and a masked sample, without a snapshot."""

from typing import Any

import pytest

from engine.preview import preview
from engine.schema import MaterializeInput
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, hashed, person

CONTACT = {"businessEmail", "personalEmail", "email", "primaryContactEmail", "phone"}


@pytest.fixture
def inputs(make_inputs: MakeInputs) -> MaterializeInput:
    people = [
        person(p, business_email=f"b{p}@x.com", personal_email=f"p{p}@y.com", phone="+1 555",
               company_industry="software" if p % 2 else "retail", seniority="vp", country="us")
        for p in range(1, 13)
    ]  # fmt: skip
    return make_inputs(people=people, intent=[(p, 1, 50 + p) for p in range(1, 15)])


def sample_of(inputs: MaterializeInput, **options: Any) -> list[dict[str, Any]]:
    return preview(inputs, config([1]), **options).sample


def test_preview_counts_results_and_candidates_on_the_inputs_date(inputs: MaterializeInput) -> None:
    result = preview(inputs, config([1]), backend="polars")
    assert (result.total_count, result.candidate_count, result.data_date) == (12, 14, "2024-06-01")
    assert result.strategy.backend == "polars"


def test_sample_rows_carry_no_emails_or_phones(inputs: MaterializeInput) -> None:
    for row in sample_of(inputs):
        assert not CONTACT & set(row)


def test_sample_rows_show_only_the_first_16_characters_of_the_hashed_email(
    inputs: MaterializeInput,
) -> None:
    first = sample_of(inputs)[0]
    assert first["hashedEmail"] == hashed(12)[:16] + "..."


def test_sample_rows_are_wire_rows_without_rank_or_person_id(inputs: MaterializeInput) -> None:
    first = sample_of(inputs)[0]
    assert not {"rank", "personId"} & set(first)
    assert first["intent"]["score"] == 62


@pytest.mark.parametrize(("size", "expected"), [(10, 10), (3, 3), (50, 12), (0, 0)])
def test_sample_size_bounds_the_sample(inputs: MaterializeInput, size: int, expected: int) -> None:
    assert len(sample_of(inputs, sample_size=size)) == expected


def test_breakdowns_count_the_results(inputs: MaterializeInput) -> None:
    breakdowns = preview(inputs, config([1])).breakdowns
    industries = {item["value"]: item["count"] for item in breakdowns["industries"]}
    assert industries == {"software": 6, "retail": 6}
    assert [item["count"] for item in breakdowns["seniorities"]] == [12]


def test_preview_without_results_has_an_empty_sample_and_breakdowns(
    inputs: MaterializeInput,
) -> None:
    result = preview(inputs, config([5]))
    assert (result.total_count, result.sample) == (0, [])
    assert all(items == [] for items in result.breakdowns.values())


def test_preview_to_dict_uses_wire_names(inputs: MaterializeInput) -> None:
    wire = preview(inputs, config([1]), sample_size=1).to_dict()
    assert set(wire) == {
        "totalCount",
        "candidateCount",
        "dataDate",
        "strategy",
        "breakdowns",
        "sample",
    }
