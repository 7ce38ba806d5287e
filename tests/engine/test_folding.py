"""The case fold and the raw ranges that let parquet statistics prune folded comparisons."""

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backends.folding import KELVIN_SIGN, fold, raw_ranges, raw_variants

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
