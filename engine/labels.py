"""Readable labels for stored lower-case values: `c_suite` -> "C Suite", `it` -> "IT".

Breakdowns and the filter catalog show these labels beside the values.
"""

from typing import Final

# Words that read as acronyms rather than as capitalised words.
_ACRONYMS: Final = frozenset(
    {"vp", "it", "hr", "ceo", "cfo", "cto", "usa", "uk", "uae", "b2b", "b2c"}
)
# Joining words stay lower case inside a label, as in titles.
_MINOR: Final = frozenset({"and", "of", "the", "to", "for", "in", "on", "or", "a", "an"})


def _word(word: str, first: bool) -> str:
    if word in _ACRONYMS:
        return word.upper()
    if word in _MINOR and not first:
        return word
    return word[:1].upper() + word[1:]


def label(value: str) -> str:
    """Title-cased words, underscores as spaces, known acronyms upper case."""
    words = value.replace("_", " ").split()
    return " ".join(_word(w, i == 0) for i, w in enumerate(words))
