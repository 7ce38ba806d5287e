"""How text compares in filters: the one case fold every backend applies to both sides.

`fold` is the plain-Python definition; the DuckDB and Polars backends spell the same steps.
"""

from typing import Final

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
# fullName joins first and last name with one space and trims only that character, so every
# engine trims the same way (their notions of "whitespace" differ).
NAME_SEPARATOR: Final = " "


def fold(text: str) -> str:
    """The case-insensitive form of `text`."""
    return text.replace(DOTTED_CAPITAL_I, DOTTED_SMALL_I).lower().replace(FINAL_SIGMA, SIGMA)


def fold_domain(text: str) -> str:
    """A folded domain without one leading "www."."""
    folded = fold(text)
    return folded.removeprefix(WWW)


def folded_values(values: tuple[str, ...], *, domain: bool = False) -> tuple[str, ...]:
    """Filter values folded the way the column is, sorted and distinct."""
    prepare = fold_domain if domain else fold
    return tuple(sorted({prepare(value) for value in values}))


def present(value: str | None) -> bool:
    """PRESENCE and the email choice: a value counts when it is a non-empty string."""
    return value is not None and value != ""


def full_name(first: str | None, last: str | None) -> str | None:
    """First and last name joined by one space and trimmed; None when nothing is left."""
    joined = NAME_SEPARATOR.join(part for part in (first, last) if part is not None)
    return joined.strip(NAME_SEPARATOR) or None
