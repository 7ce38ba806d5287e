"""Run statistics on hand-made result tables."""

import pyarrow as pa
import pytest

from engine.leaf_fields import LEAF_FIELDS
from engine.stats import breakdowns, compute_stats, filled_count
from tests.snapshots.factories import make_row, make_topic, table_of


def _intent(score, overlap=1):
    return {"score": score, "topicOverlap": overlap, "matchedTopics": [make_topic(1, score)]}


def test_fill_rates_cover_every_leaf_field_in_row_order():
    stats = compute_stats(table_of([make_row()]))
    assert list(stats["fillRates"]) == list(LEAF_FIELDS)


def test_fill_rate_counts_present_values_with_percent_to_two_decimals():
    rows = [make_row(1), make_row(2, firstName=None), make_row(3, firstName=None)]
    stats = compute_stats(table_of(rows))
    assert stats["fillRates"]["firstName"] == {"count": 1, "percent": 33.33}


def test_empty_text_does_not_count_as_filled():
    stats = compute_stats(table_of([make_row(1, phone=""), make_row(2, phone="+1 555")]))
    assert stats["fillRates"]["phone"] == {"count": 1, "percent": 50.0}


def test_nested_leaf_of_a_null_struct_is_not_filled():
    stats = compute_stats(table_of([make_row(1, location=None), make_row(2)]))
    assert stats["fillRates"]["location.country"] == {"count": 1, "percent": 50.0}


def test_empty_matched_topics_list_is_not_filled():
    empty = {"score": 70, "topicOverlap": 1, "matchedTopics": []}
    stats = compute_stats(table_of([make_row(1, intent=empty), make_row(2)]))
    assert stats["fillRates"]["intent.matchedTopics"]["count"] == 1


def test_score_histogram_counts_each_bucket_with_its_edges():
    scores = [50, 69, 70, 89, 90, 99, 99]
    rows = [make_row(i, intent=_intent(s)) for i, s in enumerate(scores, 1)]
    histogram = compute_stats(table_of(rows))["scoreHistogram"]
    assert histogram == [
        {"bucket": "50-69", "count": 2, "percent": 28.57},
        {"bucket": "70-89", "count": 2, "percent": 28.57},
        {"bucket": "90-99", "count": 3, "percent": 42.86},
    ]


def test_averages_of_score_and_topic_overlap_are_rounded_to_two_decimals():
    rows = [make_row(1, intent=_intent(90, 1)), make_row(2, intent=_intent(71, 2))]
    rows.append(make_row(3, intent=_intent(60, 2)))
    assert compute_stats(table_of(rows))["averages"] == {"score": 73.67, "topicOverlap": 1.67}


def test_stats_of_an_empty_table_are_zero():
    stats = compute_stats(table_of([]))
    assert (stats["total"], stats["averages"]) == (0, {"score": 0.0, "topicOverlap": 0.0})
    assert stats["fillRates"]["hashedEmail"] == {"count": 0, "percent": 0.0}


def test_breakdown_orders_by_count_then_value_with_readable_labels():
    seniorities = ["vp", "c_suite", "vp", "c_suite", "manager", None, ""]
    rows = [make_row(i, seniority=s) for i, s in enumerate(seniorities, 1)]
    assert breakdowns(table_of(rows))["seniorities"] == [
        {"value": "c_suite", "label": "C Suite", "count": 2},
        {"value": "vp", "label": "VP", "count": 2},
        {"value": "manager", "label": "Manager", "count": 1},
    ]


def test_breakdown_keeps_only_the_top_values_up_to_the_limit():
    rows = [make_row(i, department=f"dept{i % 4}") for i in range(1, 12)]
    top = breakdowns(table_of(rows), limit=2)["departments"]
    assert [(item["value"], item["count"]) for item in top] == [("dept1", 3), ("dept2", 3)]


@pytest.mark.parametrize(
    ("key", "row"),
    [
        ("industries", make_row(company={"industry": "human_resources"})),
        ("departments", make_row(department="human_resources")),
        ("countries", make_row(location={"country": "human_resources"})),
    ],
)
def test_breakdowns_read_industry_department_and_country(key, row):
    items = breakdowns(table_of([row]))[key]
    assert items == [{"value": "human_resources", "label": "Human Resources", "count": 1}]


def test_stats_include_the_breakdowns():
    stats = compute_stats(table_of([make_row()]))
    assert set(stats["breakdowns"]) == {"industries", "seniorities", "departments", "countries"}


def test_text_fill_counts_hold_for_sliced_chunks_and_nulls_that_keep_bytes():
    values = pa.array(["x", "", "yy", "zzz", "", "w"])
    # A null over bytes: the offsets of row 2 ("yy") stay, only the validity bit says null.
    buffers = values.buffers()
    validity = pa.array([True, True, False, True, True, True]).buffers()[1]
    with_null = pa.Array.from_buffers(pa.string(), 6, [validity, *buffers[1:]], null_count=1)
    column = pa.chunked_array(
        [with_null.slice(1, 4), values.slice(4, 2)]
    )  # "", null, zzz, "" | "", w
    assert filled_count(column) == 2
    assert filled_count(pa.chunked_array([], pa.string())) == 0
