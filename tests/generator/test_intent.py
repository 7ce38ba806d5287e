"""Intent rows: one per (person, topic) and date, realistic scores, popularity and churn."""

import itertools

import numpy as np
import pyarrow as pa

from tests.generator.conftest import SMALL

PEOPLE = round(SMALL["scale"] * 1_000_000)


def pair_keys(day: pa.Table) -> np.ndarray:
    return day.column("person_id").to_numpy() * 1_000_000 + day.column("topic_id").to_numpy()


def test_at_most_one_row_per_person_and_topic_per_date(intent_days: list[pa.Table]) -> None:
    for day in intent_days:
        assert len(np.unique(pair_keys(day))) == len(day)


def test_about_ten_topics_per_person_per_day(intent_days: list[pa.Table]) -> None:
    assert all(9 * PEOPLE <= len(day) <= 11 * PEOPLE for day in intent_days)


def test_scores_are_percentiles_from_0_to_99(intent_days: list[pa.Table]) -> None:
    scores = np.concatenate([day.column("score").to_numpy() for day in intent_days])
    assert scores.min() >= 0
    assert scores.max() == 99


def test_most_scores_are_below_70_with_a_tail_above_90(intent_days: list[pa.Table]) -> None:
    scores = intent_days[-1].column("score").to_numpy()
    assert 0.75 < (scores < 70).mean() < 0.95
    assert 0.005 < (scores >= 90).mean() < 0.05


def test_popular_topics_take_a_large_share_of_rows(intent_days: list[pa.Table]) -> None:
    counts = np.sort(np.bincount(intent_days[-1].column("topic_id").to_numpy()))[::-1]
    top_tenth = counts[: SMALL["topics"] // 10].sum() / counts.sum()
    assert 0.25 < top_tenth < 0.6
    assert counts[0] > 5 * np.median(counts[counts > 0])


def test_consecutive_dates_share_most_but_not_all_pairs(intent_days: list[pa.Table]) -> None:
    for before, after in itertools.pairwise(intent_days):
        shared = np.isin(pair_keys(after), pair_keys(before)).mean()
        assert 0.7 <= shared <= 0.9


def test_scores_of_kept_pairs_drift_a_little(intent_days: list[pa.Table]) -> None:
    before, after = intent_days[-2], intent_days[-1]
    keys_before, keys_after = pair_keys(before), pair_keys(after)
    order = np.argsort(keys_before)
    found = np.searchsorted(keys_before[order], keys_after)
    found = np.minimum(found, len(order) - 1)
    kept = keys_before[order][found] == keys_after
    old = before.column("score").to_numpy()[order][found][kept].astype(int)
    new = after.column("score").to_numpy()[kept].astype(int)
    assert 0 < np.abs(new - old).mean() < 10
