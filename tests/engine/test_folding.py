"""The case fold and the raw ranges that let parquet statistics prune folded comparisons."""

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.backends.folding import KELVIN_SIGN, fold, raw_ranges

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
