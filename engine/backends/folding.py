"""How text compares in filters: the one case fold every backend applies to both sides.

`FOLD` is the one definition, a sequence of steps: `fold` applies it in Python (the reference
backend and filter values), and the DuckDB and Polars backends compile the steps `fold_steps`
gives them into SQL and expressions.
"""

import itertools
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from engine.config_filters import TextFilter
from engine.filters import TextMode, TextOperator

# Lower-casing alone differs between engines on two characters: DuckDB maps "İ" to "i" while
# Python and Polars map it to "i" + combining dot, and only Python and Polars choose the final
# sigma by context. Expanding "İ" before lower-casing and mapping the final sigma to the plain one
# after it makes all three agree. Known limit: letters added in Unicode 15 or later (Garay, a few
# Latin letters) are lower-cased by Polars only.
DOTTED_CAPITAL_I: Final = "\u0130"
DOTTED_SMALL_I: Final = "i\u0307"
FINAL_SIGMA: Final = "\u03c2"
SIGMA: Final = "\u03c3"
WWW: Final = "www."
# People files are clustered by these columns (DESIGN section 2), so row-group statistics on
# them can prune a filter's scan; see `pruning_ranges`.
CLUSTERED_COLUMNS: Final = ("company_industry", "seniority")
# The one non-ASCII character that lower-cases to an ASCII letter ("k"); see `raw_ranges`.
KELVIN_SIGN: Final = "\u212a"
# Past this many raw forms a filter lower-cases the column instead (see `raw_variants`).
RAW_VARIANT_LIMIT: Final = 512
REGEX_METACHARACTERS: Final = frozenset("\\.+*?()|[]{}^$")
# fullName joins first and last name with one space and trims only that character, so every
# engine trims the same way (their notions of "whitespace" differ).
NAME_SEPARATOR: Final = " "


@dataclass(frozen=True)
class Replace:
    """A step of the fold: every `old` becomes `new`."""

    old: str
    new: str


class Lower(StrEnum):
    """The step of the fold that lower-cases (the engines' own full Unicode lower-casing)."""

    LOWER = "lower"


FoldStep = Replace | Lower
FOLD: Final[tuple[FoldStep, ...]] = (
    Replace(DOTTED_CAPITAL_I, DOTTED_SMALL_I),
    Lower.LOWER,
    Replace(FINAL_SIGMA, SIGMA),
)


def fold(text: str) -> str:
    """The case-insensitive form of `text`."""
    for step in FOLD:
        text = text.lower() if step is Lower.LOWER else text.replace(step.old, step.new)
    return text


def fold_steps(
    against: tuple[str, ...], *, lower_expands_dotted_i: bool = False
) -> tuple[FoldStep, ...]:
    """The steps of `FOLD` a backend applies to a column compared with `against`: all of them,
    less the final-sigma step when `sigma_step_needed` says it cannot matter, and less the "İ"
    expansion for an engine whose lower-casing already expands it (Polars)."""
    skipped = set()
    if not sigma_step_needed(against):
        skipped.add(Replace(FINAL_SIGMA, SIGMA))
    if lower_expands_dotted_i:
        skipped.add(Replace(DOTTED_CAPITAL_I, DOTTED_SMALL_I))
    return tuple(step for step in FOLD if step not in skipped)


def fold_domain(text: str) -> str:
    """A folded domain without one leading "www."."""
    folded = fold(text)
    return folded.removeprefix(WWW)


def folded_values(values: tuple[str, ...], *, domain: bool = False) -> tuple[str, ...]:
    """Filter values folded the way the column is, sorted and distinct."""
    prepare = fold_domain if domain else fold
    return tuple(sorted({prepare(value) for value in values}))


def sigma_step_needed(values: tuple[str, ...]) -> bool:
    """Whether a column compared with `values` needs the final-sigma step of its fold.

    Not when every value is ASCII: the step swaps one non-ASCII character for another, which no
    ASCII value can equal, contain or start with, so lower-casing alone decides the comparison
    (and the backends save a pass over every row).
    """
    return not all(value.isascii() for value in values)


def present(value: str | None) -> bool:
    """PRESENCE and the email choice: a value counts when it is a non-empty string."""
    return value is not None and value != ""


def full_name(first: str | None, last: str | None) -> str | None:
    """First and last name joined by one space and trimmed; None when nothing is left."""
    joined = NAME_SEPARATOR.join(part for part in (first, last) if part is not None)
    return joined.strip(NAME_SEPARATOR) or None


def pruning_ranges(column: str, values: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    """`raw_ranges` for a column the people files are clustered by, else None.

    Elsewhere the ranges would prune no row group and still cost comparisons on every row.
    """
    return raw_ranges(values) if column in CLUSTERED_COLUMNS else None


def raw_ranges(values: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    """Closed ranges holding every raw string whose fold is one of `values` (folded, ASCII).

    Filters compare folded columns, which parquet statistics cannot prune; these ranges on the
    raw column can, so backends add them beside the exact predicate. A raw string folding to an
    ASCII value has one character per character of it: the same, its upper case, or the Kelvin
    sign for "k". One range per first character keeps the ranges tight for lower-case data.
    None when a value is not ASCII.
    """
    if not all(value.isascii() for value in values):
        return None
    return tuple(bounds for value in values for bounds in _value_ranges(value))


def _value_ranges(value: str) -> list[tuple[str, str]]:
    if not value:
        return [("", "")]
    first, rest = value[0], value[1:]
    heads = sorted(_raw_characters(first))
    return [(head + rest.upper(), head + rest.replace("k", KELVIN_SIGN)) for head in heads]


def raw_variants(values: tuple[str, ...], limit: int = RAW_VARIANT_LIMIT) -> tuple[str, ...] | None:
    """Every raw string whose fold is one of `values` (folded), sorted; None when a value is not
    ASCII or there would be more than `limit` of them.

    Comparing the raw column with these is the same test as comparing its fold with `values`
    (see `raw_ranges` for why each character has only these forms), without lower-casing every
    row.
    """
    if not all(value.isascii() for value in values):
        return None
    forms = [[sorted(_raw_characters(character)) for character in value] for value in values]
    if sum(math.prod(len(choices) for choices in value) for value in forms) > limit:
        return None
    return tuple(sorted({"".join(raw) for value in forms for raw in itertools.product(*value)}))


def _raw_characters(folded: str) -> set[str]:
    """The characters whose fold is the ASCII character `folded`."""
    return {folded, folded.upper()} | ({KELVIN_SIGN} if folded == "k" else set())


class TermMatch(StrEnum):
    """How a job-title filter's folded terms are tested; every kind costs one compiled matcher
    (a hash set, an Aho-Corasick automaton or one regex alternation) per filter, so the cost of a
    filter does not grow with its number of terms, except CONTAINS_ALL where a row must be
    searched for each term it has not yet failed."""

    EQUALS_ANY = "equals_any"  # the title is one of the terms
    CONTAINS_ANY = "contains_any"  # the title contains at least one term
    PREFIX_ANY = "prefix_any"  # the title starts with at least one term
    CONTAINS_ALL = "contains_all"  # the title contains every term
    NEVER = "never"  # no title can match


@dataclass(frozen=True)
class TitleMatcher:
    """A job-title filter reduced to one test: `kind` over `terms` (folded, sorted, distinct)."""

    kind: TermMatch
    terms: tuple[str, ...]


def title_matcher(f: TextFilter) -> TitleMatcher:
    """The one test a job-title filter's terms, operator and mode amount to.

    `all` of several terms collapses: a title equals every term only if there is one, and starts
    with every term only if they are all prefixes of the longest; a term contained in another
    is implied by it.
    """
    terms = folded_values(f.values)
    if f.mode is TextMode.ANY:
        kinds = {
            TextOperator.EQUALS: TermMatch.EQUALS_ANY,
            TextOperator.STARTS_WITH: TermMatch.PREFIX_ANY,
            TextOperator.CONTAINS: TermMatch.CONTAINS_ANY,
        }
        return TitleMatcher(kinds[f.operator], terms)
    if f.operator is TextOperator.CONTAINS or not terms:  # all of no terms: every title
        needed = [term for term in terms if not _inside_another(term, terms)]
        return TitleMatcher(TermMatch.CONTAINS_ALL, tuple(sorted(needed, key=_longest_first)))
    longest = max(terms, key=len)
    if f.operator is TextOperator.EQUALS and len(terms) > 1:
        return TitleMatcher(TermMatch.NEVER, ())
    if not all(longest.startswith(term) for term in terms):
        return TitleMatcher(TermMatch.NEVER, ())
    kind = TermMatch.EQUALS_ANY if f.operator is TextOperator.EQUALS else TermMatch.PREFIX_ANY
    return TitleMatcher(kind, (longest,))


def _inside_another(term: str, terms: tuple[str, ...]) -> bool:
    return any(term in other for other in terms if other != term)


def _longest_first(term: str) -> tuple[int, str]:
    return -len(term), term


def regex_alternation(terms: tuple[str, ...], *, anchored: bool = False) -> str:
    """One regular expression matching any of `terms` literally, in the syntax RE2 (DuckDB) and
    Rust's regex crate (Polars) share: only their common metacharacters are escaped."""
    body = "|".join(_regex_literal(term) for term in terms)
    return f"^(?:{body})" if anchored else body


def _regex_literal(term: str) -> str:
    return "".join(f"\\{c}" if c in REGEX_METACHARACTERS else c for c in term)
