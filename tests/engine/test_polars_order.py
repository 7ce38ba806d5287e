"""The packed-key rank order equals a plain sort by overlap, best, hashed email and person id."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backends.polars_order import rank_order

ORDER = ["overlap", "best", "hashed_email", "person_id"]
DESCENDING = [True, True, False, False]
# Emails that tie on their first six bytes, are shorter than six, hold NUL or multi-byte
# characters, or are missing.
EMAILS = st.one_of(
    st.none(),
    st.sampled_from(["", "a", "ab", "ab\x00", "abcdef", "abcdefa", "abcdefb", "é", "éa", "\x00"]),
    st.text(alphabet="0f\x00é€𝄞", max_size=9),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)


def frame_of(rows: list[tuple[int, int, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "overlap": pl.Series([r[0] for r in rows], dtype=pl.Int16),
            "best": pl.Series([r[1] for r in rows], dtype=pl.Int8),
            "hashed_email": pl.Series([r[2] for r in rows], dtype=pl.String),
            "person_id": pl.Series(range(len(rows)), dtype=pl.Int64).reverse(),
        }
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 250), st.integers(0, 99), EMAILS), max_size=40))
def test_rank_order_equals_a_sort_by_the_full_keys(rows: list[tuple[int, int, str | None]]) -> None:
    frame = frame_of(rows)
    expected = frame.sort(ORDER, descending=DESCENDING, nulls_last=True)
    assert frame[rank_order(frame)].equals(expected)


def test_emails_sharing_their_first_six_bytes_are_ordered_by_the_rest() -> None:
    frame = frame_of([(1, 70, "abcdefz"), (1, 70, "abcdefa"), (1, 70, None), (1, 70, "abcdefm")])
    assert frame[rank_order(frame)]["hashed_email"].to_list() == [
        "abcdefa",
        "abcdefm",
        "abcdefz",
        None,
    ]


def test_overlap_then_best_come_before_the_email() -> None:
    frame = frame_of([(1, 99, "a"), (2, 50, "z"), (2, 60, "z"), (250, 0, None)])
    assert frame[rank_order(frame)]["best"].to_list() == [0, 60, 50, 99]


def test_an_empty_frame_has_an_empty_order() -> None:
    assert rank_order(frame_of([])).len() == 0
