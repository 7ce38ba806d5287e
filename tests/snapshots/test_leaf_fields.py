"""Leaf fields of the result row and the flat form shared by stats and exports."""

import pyarrow as pa

from engine.leaf_fields import LEAF_FIELDS, flatten_rows, leaf_column
from tests.snapshots.factories import make_row, make_topic, table_of

API_ORDER = [
    "hashedEmail", "firstName", "lastName", "fullName", "businessEmail", "personalEmail", "email",
    "primaryContactEmail", "phone", "linkedinUrl", "headline", "jobTitle", "seniority",
    "department", "company.name", "company.domain", "company.industry", "company.industryGroup",
    "company.size", "company.revenueRange", "location.city", "location.state", "location.country",
    "demographics.ageRange", "demographics.gender", "intent.score", "intent.topicOverlap",
    "intent.matchedTopics",
]  # fmt: skip


def test_leaf_fields_follow_the_api_row_order():
    assert list(LEAF_FIELDS) == API_ORDER


def test_flat_rows_have_one_column_per_leaf_field_in_order():
    flat = flatten_rows(table_of([make_row()]))
    assert flat.column_names == API_ORDER


def test_matched_topics_flatten_to_semicolon_separated_ids_in_stored_order():
    topics = [make_topic(30, 95), make_topic(4, 80), make_topic(12, 80)]
    row = make_row(intent={"score": 95, "topicOverlap": 3, "matchedTopics": topics})
    flat = flatten_rows(table_of([row]))
    assert flat.column("intent.matchedTopics").to_pylist() == ["30;4;12"]


def test_empty_matched_topics_flatten_to_empty_text_and_null_stays_null():
    rows = [
        make_row(intent={"score": 60, "topicOverlap": 0, "matchedTopics": []}),
        make_row(intent={"score": 60, "topicOverlap": 0, "matchedTopics": None}),
    ]
    flat = flatten_rows(table_of(rows))
    assert flat.column("intent.matchedTopics").to_pylist() == ["", None]


def test_flattening_a_sliced_batch_keeps_each_rows_own_topics():
    rows = [
        make_row(i, intent={"score": 90, "topicOverlap": 1, "matchedTopics": [make_topic(i, 90)]})
        for i in range(1, 6)
    ]
    batch = table_of(rows).to_batches()[0].slice(2, 2)
    flat = flatten_rows(batch)
    assert flat.column("intent.matchedTopics").to_pylist() == ["3", "4"]


def test_a_null_parent_struct_makes_its_leaves_null():
    table = table_of([make_row(company=None)])
    assert leaf_column(table, "company.name").to_pylist() == [None]


def test_leaf_column_reads_top_level_fields_as_they_are():
    table = table_of([make_row(firstName="Zoë")])
    assert leaf_column(table, "firstName") == pa.chunked_array([["Zoë"]])
