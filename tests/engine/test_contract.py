"""The Backend contract (DESIGN section 3): every backend passes every test here."""

import pytest

from data.contract import PEOPLE_TEXT_COLUMNS
from engine.backends import Backend
from engine.config_filters import ValuesFilter
from engine.schema import RESULT_SCHEMA, MaterializeResult
from tests.engine.conftest import MakeInputs
from tests.engine.factories import config, hashed, person, topic


@pytest.fixture
def make_inputs(make_stored_inputs: MakeInputs) -> MakeInputs:
    """Every contract test on local disk and on the S3 server: the same rows from both."""
    return make_stored_inputs


def ids(result: MaterializeResult) -> list[int]:
    return result.table.column("personId").to_pylist()


def intent_of(result: MaterializeResult, rank: int) -> dict:
    return result.table.column("intent")[rank - 1].as_py()


def test_empty_date_gives_an_empty_table_with_the_result_schema(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    inputs = make_inputs(people=[person(1)], intent=[])
    assert inputs.intent_files == ()
    result = backend.materialize(inputs, config([1]))
    assert result.table.schema == RESULT_SCHEMA
    assert (result.result_count, result.candidate_count) == (0, 0)


def test_no_matching_topic_gives_an_empty_table(backend: Backend, make_inputs: MakeInputs) -> None:
    inputs = make_inputs(people=[person(1)], intent=[(1, 2, 90)])
    result = backend.materialize(inputs, config([1]))
    assert result.table.schema == RESULT_SCHEMA
    assert (result.result_count, result.candidate_count) == (0, 0)


def test_score_bounds_are_inclusive(backend: Backend, make_inputs: MakeInputs) -> None:
    scores = {1: 59, 2: 60, 3: 80, 4: 81}
    inputs = make_inputs(
        people=[person(p) for p in scores], intent=[(p, 1, s) for p, s in scores.items()]
    )
    result = backend.materialize(inputs, config([1], min_score=60, max_score=80))
    assert sorted(ids(result)) == [2, 3]


def test_overlap_equal_to_the_number_of_topics_keeps_persons_with_every_topic(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    intent = [(1, 1, 70), (1, 2, 70), (1, 3, 70), (2, 1, 90), (2, 2, 90), (3, 3, 99)]
    inputs = make_inputs(people=[person(p) for p in (1, 2, 3)], intent=intent)
    result = backend.materialize(inputs, config([1, 2, 3], overlap=3))
    assert (ids(result), result.candidate_count) == ([1], 1)


def test_rows_below_min_score_do_not_count_towards_overlap(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    inputs = make_inputs(people=[person(1)], intent=[(1, 1, 90), (1, 2, 49)])
    result = backend.materialize(inputs, config([1, 2], overlap=2))
    assert result.candidate_count == 0


def test_candidate_count_counts_persons_before_icp_filters(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    people = [person(1, country="us"), person(2, country="de"), person(3, country="fr")]
    inputs = make_inputs(people=people, intent=[(p, 1, 80) for p in (1, 2, 3)])
    countries = ValuesFilter("location.countries", ("us",))
    result = backend.materialize(inputs, config([1], countries))
    assert (ids(result), result.candidate_count) == ([1], 3)


def test_candidates_missing_from_people_are_not_results(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    inputs = make_inputs(people=[person(1)], intent=[(1, 1, 80), (404, 1, 99)])
    result = backend.materialize(inputs, config([1]))
    assert (ids(result), result.candidate_count) == ([1], 2)


def test_results_are_ordered_by_overlap_then_best_score(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    intent = [(1, 1, 99), (2, 1, 60), (2, 2, 60), (3, 1, 70), (3, 2, 50), (4, 1, 80)]
    inputs = make_inputs(people=[person(p) for p in (1, 2, 3, 4)], intent=intent)
    assert ids(backend.materialize(inputs, config([1, 2]))) == [3, 2, 1, 4]


def test_ties_in_overlap_and_score_are_ordered_by_hashed_email(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    people = [person(p) for p in range(1, 9)]
    inputs = make_inputs(people=people, intent=[(p, 1, 75) for p in range(1, 9)])
    result = backend.materialize(inputs, config([1]))
    assert ids(result) == sorted(range(1, 9), key=hashed)


def test_missing_hashed_email_sorts_last_then_by_person_id(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    people = [person(5, hashed_email=None), person(3, hashed_email=None), person(4)]
    inputs = make_inputs(people=people, intent=[(p, 1, 75) for p in (3, 4, 5)])
    assert ids(backend.materialize(inputs, config([1]))) == [4, 3, 5]


def test_rank_is_one_based_and_consecutive(backend: Backend, make_inputs: MakeInputs) -> None:
    inputs = make_inputs(
        people=[person(p) for p in range(1, 6)], intent=[(p, 1, 60 + p) for p in range(1, 6)]
    )
    result = backend.materialize(inputs, config([1]))
    assert result.table.column("rank").to_pylist() == [1, 2, 3, 4, 5]


def test_matched_topics_are_ordered_by_score_then_topic_id_with_topic_fields(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    topics = [
        topic(t, name=f"Name {t}", type="b2c", industry="retail", category="c")
        for t in (1, 2, 3, 4)
    ]
    intent = [(1, 4, 70), (1, 1, 90), (1, 3, 70), (1, 2, 40)]
    inputs = make_inputs(people=[person(1)], intent=intent, topics=topics)
    matched = intent_of(backend.materialize(inputs, config([1, 2, 3, 4])), 1)
    assert matched == {
        "score": 90,
        "topicOverlap": 3,
        "matchedTopics": [
            {
                "topicId": t,
                "topicName": f"Name {t}",
                "type": "b2c",
                "industry": "retail",
                "category": "c",
                "score": s,
            }
            for t, s in [(1, 90), (3, 70), (4, 70)]
        ],
    }


def test_matched_topic_absent_from_topics_keeps_its_id_and_score(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    inputs = make_inputs(people=[person(1)], intent=[(1, 9, 80)])
    (matched,) = intent_of(backend.materialize(inputs, config([9])), 1)["matchedTopics"]
    assert matched == {
        "topicId": 9,
        "topicName": None,
        "type": None,
        "industry": None,
        "category": None,
        "score": 80,
    }


def test_a_person_with_every_column_null_is_a_result_with_null_fields(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    inputs = make_inputs(people=[person(1, hashed_email=None)], intent=[(1, 1, 80)])
    (row,) = backend.materialize(inputs, config([1])).table.to_pylist()
    text = {
        k: v
        for k, v in row.items()
        if k not in ("rank", "personId", "company", "location", "demographics", "intent")
    }
    assert set(text.values()) == {None}
    assert set(row["company"].values()) | set(row["location"].values()) | set(
        row["demographics"].values()
    ) == {None}


def test_unicode_names_are_kept_as_written(backend: Backend, make_inputs: MakeInputs) -> None:
    people = [person(1, first_name="Zoë", last_name="Ōtsuka-Łukasz 李", city="São Paulo")]
    inputs = make_inputs(people=people, intent=[(1, 1, 80)])
    (row,) = backend.materialize(inputs, config([1])).table.to_pylist()
    assert (row["fullName"], row["location"]["city"]) == ("Zoë Ōtsuka-Łukasz 李", "São Paulo")


@pytest.mark.parametrize(
    ("first", "last", "full"),
    [("Ann", "Lee", "Ann Lee"), ("Ann", None, "Ann"), (None, "Lee", "Lee"), (None, None, None),
     (" Ann ", "", "Ann"), ("", "", None), ("  ", None, None)],
)  # fmt: skip
def test_full_name_joins_present_names_and_trims_spaces(
    backend: Backend, make_inputs: MakeInputs, first: str | None, last: str | None, full: str | None
) -> None:
    inputs = make_inputs(people=[person(1, first_name=first, last_name=last)], intent=[(1, 1, 80)])
    (row,) = backend.materialize(inputs, config([1])).table.to_pylist()
    assert row["fullName"] == full


@pytest.mark.parametrize(
    ("business", "personal", "email", "primary"),
    [("b@x.com", "p@y.com", "p@y.com", "b@x.com"), ("b@x.com", None, "b@x.com", "b@x.com"),
     (None, "p@y.com", "p@y.com", "p@y.com"), ("b@x.com", "", "b@x.com", "b@x.com"),
     (None, None, None, None)],
)  # fmt: skip
def test_email_prefers_personal_and_primary_contact_prefers_business(
    backend: Backend,
    make_inputs: MakeInputs,
    business: str | None,
    personal: str | None,
    email: str | None,
    primary: str | None,
) -> None:
    people = [person(1, business_email=business, personal_email=personal)]
    inputs = make_inputs(people=people, intent=[(1, 1, 80)])
    (row,) = backend.materialize(inputs, config([1])).table.to_pylist()
    assert (row["email"], row["primaryContactEmail"]) == (email, primary)


def test_people_columns_land_in_their_result_fields(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    values = {column: f"{column} value" for column in PEOPLE_TEXT_COLUMNS}
    inputs = make_inputs(people=[person(7, **values)], intent=[(7, 1, 80)])
    (row,) = backend.materialize(inputs, config([1])).table.to_pylist()
    assert row["personId"] == 7
    assert row["company"]["industryGroup"] == "company_industry_group value"
    assert row["demographics"] == {"ageRange": "age_range value", "gender": "gender value"}
    assert row["linkedinUrl"] == "linkedin_url value"


def test_one_intent_file_or_many_give_the_same_results(
    backend: Backend, make_inputs: MakeInputs
) -> None:
    people = [person(p) for p in range(1, 30)]
    intent = [(p, t, 50 + (p * t) % 50) for p in range(1, 35) for t in (1, 2, 3) if (p + t) % 3]
    one = backend.materialize(
        make_inputs(people=people, intent=intent, intent_parts=1), config([1, 2, 3])
    )
    many = backend.materialize(
        make_inputs(people=people, intent=intent, intent_parts=5), config([1, 2, 3])
    )
    assert one.table.equals(many.table)
