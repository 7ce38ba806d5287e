"""Job-title filters reduce to one test over their folded terms, the same for every backend."""

import pytest

from engine.backends.folding import TermMatch, TitleMatcher, regex_alternation, title_matcher
from engine.config_filters import TextFilter
from engine.filters import TextMode, TextOperator

CONTAINS, EQUALS, STARTS = TextOperator.CONTAINS, TextOperator.EQUALS, TextOperator.STARTS_WITH


def matcher(operator: TextOperator, mode: TextMode, *values: str) -> TitleMatcher:
    return title_matcher(TextFilter("jobTitle.include", tuple(values), operator, mode))


def test_any_mode_keeps_every_term_for_one_matcher() -> None:
    assert matcher(CONTAINS, TextMode.ANY, "b", "a") == TitleMatcher(
        TermMatch.CONTAINS_ANY, ("a", "b")
    )
    assert matcher(STARTS, TextMode.ANY, "a").kind is TermMatch.PREFIX_ANY
    assert matcher(EQUALS, TextMode.ANY, "a").kind is TermMatch.EQUALS_ANY


def test_contains_all_drops_terms_inside_other_terms_and_tests_the_longest_first() -> None:
    found = matcher(CONTAINS, TextMode.ALL, "manager", "sales manager", "vp", "")
    assert found == TitleMatcher(TermMatch.CONTAINS_ALL, ("sales manager", "vp"))


@pytest.mark.parametrize(
    ("operator", "values", "expected"),
    [
        (EQUALS, ("a", "b"), TitleMatcher(TermMatch.NEVER, ())),
        (EQUALS, ("a",), TitleMatcher(TermMatch.EQUALS_ANY, ("a",))),
        (STARTS, ("sa", "sales", "s"), TitleMatcher(TermMatch.PREFIX_ANY, ("sales",))),
        (STARTS, ("sales", "vp"), TitleMatcher(TermMatch.NEVER, ())),
    ],
)
def test_all_of_equals_or_starts_with_collapses_to_one_term_or_none(
    operator: TextOperator, values: tuple[str, ...], expected: TitleMatcher
) -> None:
    assert matcher(operator, TextMode.ALL, *values) == expected


def test_terms_are_folded_like_the_column() -> None:
    assert matcher(CONTAINS, TextMode.ANY, "ΟΔΟΣ").terms == ("οδοσ",)


def test_regex_alternation_matches_metacharacters_literally() -> None:
    assert regex_alternation(("a.b", "c|d", "(x)")) == r"a\.b|c\|d|\(x\)"
    assert regex_alternation(("a+",), anchored=True) == r"^(?:a\+)"
