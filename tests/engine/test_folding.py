"""The case fold and the raw ranges that let parquet statistics prune folded comparisons."""

import duckdb
import polars as pl
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backends import duckdb_sql, polars_exprs
from engine.backends.folding import (
    FINAL_SIGMA,
    KELVIN_SIGN,
    SIGMA,
    Lower,
    Replace,
    fold,
    fold_steps,
    raw_ranges,
    raw_variants,
)

RAW = st.text(alphabet=f"aAbBkKsSİiıΣσς-_ {KELVIN_SIGN}", max_size=6)


def test_fold_expands_dotted_capital_i_and_maps_final_sigma_to_sigma() -> None:
    assert fold("İSTANBUL ΟΔΟΣ") == "i\u0307stanbul οδοσ"


def test_raw_ranges_of_a_non_ascii_value_are_unknown() -> None:
    assert raw_ranges(("zürich", "paris")) is None


def test_raw_ranges_split_by_first_character_case() -> None:
    assert raw_ranges(("vp",)) == (("VP", "Vp"), ("vP", "vp"))


@settings(max_examples=300, derandomize=True)
@given(raw=RAW, other=st.sampled_from(["kb", "ab", "k-s", "", "s"]))
def test_every_raw_string_folding_to_a_value_lies_in_one_of_its_ranges(
    raw: str, other: str
) -> None:
    value = fold(raw)
    ranges = raw_ranges((value, other)) if value.isascii() else None
    if ranges is not None:
        assert any(low <= raw <= high for low, high in ranges)


VALUES = st.lists(st.sampled_from(["kb", "ab", "k-s", "", "s", "51-200", "vp"]), max_size=3)


@settings(max_examples=500, derandomize=True)
@given(raw=RAW, values=VALUES)
def test_a_raw_string_is_a_raw_variant_exactly_when_its_fold_is_a_value(
    raw: str, values: list[str]
) -> None:
    variants = raw_variants(tuple(values))
    assert variants is not None
    assert (raw in variants) == (fold(raw) in values)


@settings(max_examples=200, derandomize=True)
@given(values=VALUES)
def test_raw_variants_fold_to_the_values_and_are_sorted(values: list[str]) -> None:
    variants = raw_variants(tuple(values))
    assert variants is not None
    assert {fold(raw) for raw in variants} == set(values)
    assert list(variants) == sorted(set(variants))


def test_raw_variants_of_letterless_values_are_the_values() -> None:
    assert raw_variants(("51-200", "201-500")) == ("201-500", "51-200")


def test_raw_variants_give_way_to_folding_past_the_limit_or_beyond_ascii() -> None:
    assert raw_variants(("director",)) is not None  # 256 forms
    assert raw_variants(("director",), limit=255) is None
    assert raw_variants(("zürich",)) is None


# Words the engines' own lower-casing folds unlike Python's: the steps of FOLD make them agree.
TRICKY = ["İSTANBUL ΟΔΟΣ", "ΣΊΣΥΦΟΣ σ", "straße STRASSE", f"{KELVIN_SIGN}elvin", "Ǆemal", "plain"]


def _duckdb_folds(words: list[str], against: tuple[str, ...]) -> list[str]:
    con = duckdb.connect()
    con.register("w", pa.table({"word": words}))
    rows = con.execute(f"SELECT {duckdb_sql.folded('word', against)} FROM w").fetchall()
    return [row[0] for row in rows]


def _polars_folds(words: list[str], against: tuple[str, ...]) -> list[str]:
    frame = pl.DataFrame({"word": words})
    return list(frame.select(polars_exprs.folded("word", against))["word"])


def test_both_backends_compile_the_one_fold_and_agree_with_it() -> None:
    against = ("οδοσ",)  # not ASCII: every step applies
    expected = [fold(word) for word in TRICKY]
    assert _duckdb_folds(TRICKY, against) == expected
    assert _polars_folds(TRICKY, against) == expected


def test_against_ascii_values_the_backends_leave_out_only_the_final_sigma_step() -> None:
    steps = fold_steps(("vp",))
    assert Replace(FINAL_SIGMA, SIGMA) not in steps
    assert fold_steps(("vp",), lower_expands_dotted_i=True) == (Lower.LOWER,)
    ascii_words = [word for word in TRICKY if FINAL_SIGMA not in word.lower()]
    expected = [fold(word) for word in ascii_words]
    assert _duckdb_folds(ascii_words, ("vp",)) == expected
    assert _polars_folds(ascii_words, ("vp",)) == expected
