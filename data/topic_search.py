"""Topic search: ranked matching of a query against topic names and keywords.

Tiers, best first: exact name, name prefix, word prefix, substring; keyword match (every query
word starts a word of the topic's name, then: of its name or keywords, in any order); then
typo-tolerant (the whole name within a small edit distance of the query, then every query word
near a word of the name, then of the name or keywords). Within a tier: the latest audience,
descending, then the topic's position (its id order). Later tiers are only computed while the
limit is not filled. Substrings are found through an n-gram index built once, never by scanning
every name.
"""

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Final

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

WORD: Final = re.compile(r"[^\W_]+")
HIGH: Final = "\U0010ffff"  # sorts after every character: the end of a prefix range
# Edit distance a query word may be off by, by its length: none below 4 letters (short words
# are too close to too many others), then one, then two from 8 letters.
GRAM: Final = 3  # the longest n-gram indexed: a query this long or shorter is one lookup
BITS: Final = 21  # a code point fits in 21 bits, so GRAM of them fit in one uint64
TYPO_LENGTHS: Final = ((8, 2), (4, 1))


def fold(text: str) -> str:
    """The comparable form of a name or query: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def allowed_typos(word: str) -> int:
    return next((typos for length, typos in TYPO_LENGTHS if len(word) >= length), 0)


class SearchIndex:
    """Sorted views of the names and a word vocabulary with postings; built once per index."""

    def __init__(self, names: Sequence[str], keywords: Sequence[Sequence[str]]) -> None:
        self._count = len(names)
        folded = [fold(name) for name in names]
        self._names, self._name_at = _sorted_pairs((name, at) for at, name in enumerate(folded))
        self._suffixes, self._suffix_at = _sorted_pairs(_word_suffixes(folded))
        self._folded = folded
        self._lengths = np.array([len(name) for name in folded], np.int64)
        self._names_text = _Grams(folded)
        name_words = [WORD.findall(name) for name in folded]
        keyword_words = [[w for k in extra for w in words(k)] for extra in keywords]
        self._name_vocab = _Vocabulary(name_words)
        self._any_vocab = _Vocabulary(
            [n + k for n, k in zip(name_words, keyword_words, strict=True)]
        )
        keyword_text = ["\n".join(fold(k) for k in extra) for extra in keywords]
        self._keywords_text = _Grams(keyword_text)

    def search(self, text: str, keep: np.ndarray, audience: np.ndarray, limit: int) -> list[int]:
        """Positions of up to `limit` matching topics among `keep`, best first."""
        query = fold(text)
        taken = np.zeros(self._count, dtype=bool)
        found: list[int] = []
        for candidates in self._tiers(query):
            new = np.unique(candidates)
            new = new[keep[new] & ~taken[new]]
            taken[new] = True
            found += new[np.lexsort((new, -audience[new]))].tolist()
            if len(found) >= limit:
                break
        return found[:limit]

    def contains(self, text: str) -> np.ndarray:
        """Which topics have `text` in their name or one of their keywords."""
        query = fold(text)
        hit = np.zeros(self._count, dtype=bool)
        hit[self._names_text.find(query)] = True
        hit[self._keywords_text.find(query)] = True
        return hit

    def _tiers(self, query: str) -> Iterator[np.ndarray]:
        exact = _prefix_range(self._names, query, exact=True)
        yield self._name_at[exact]
        yield self._name_at[_prefix_range(self._names, query)]
        yield self._suffix_at[_prefix_range(self._suffixes, query)]
        yield self._names_text.find(query)
        query_words = WORD.findall(query)
        if query_words:
            yield self._name_vocab.all_words(query_words, typos=False)
            yield self._any_vocab.all_words(query_words, typos=False)
            near_words = self._name_vocab.all_words(query_words, typos=True)
            yield self._near_names(query, near_words)
            yield near_words
            yield self._any_vocab.all_words(query_words, typos=True)

    def _near_names(self, query: str, candidates: np.ndarray) -> np.ndarray:
        """Those of `candidates` whose whole name is within the query's allowed edits of it."""
        cutoff = allowed_typos(query)
        close = candidates[np.abs(self._lengths[candidates] - len(query)) <= cutoff]
        near = [at for at in close.tolist() if OSA.distance(query, self._folded[at]) <= cutoff]
        return np.array(near, np.int64)


class _Vocabulary:
    """Distinct words, sorted, each with the positions of the topics that have it."""

    def __init__(self, topic_words: Sequence[Sequence[str]]) -> None:
        self._count = len(topic_words)
        postings: dict[str, set[int]] = defaultdict(set)
        for at, found in enumerate(topic_words):
            for word in found:
                postings[word].add(at)
        self._words = sorted(postings)
        self._near_words = _Near(self._words)
        self._postings = [np.array(sorted(postings[word]), np.int64) for word in self._words]

    def all_words(self, query_words: list[str], *, typos: bool) -> np.ndarray:
        """Topics where every query word starts (or, with `typos`, nearly equals) a word."""
        matching = np.ones(self._count, dtype=bool)
        for word in query_words:
            matching &= self._hits(word, typos=typos)
        return np.flatnonzero(matching)

    def _hits(self, word: str, *, typos: bool) -> np.ndarray:
        hit = np.zeros(self._count, dtype=bool)
        start, stop = _prefix_bounds(self._words, word)
        rows = list(range(start, stop))
        if typos and allowed_typos(word):
            rows += self._near_words.near(word, allowed_typos(word))
        for row in rows:
            hit[self._postings[row]] = True
        return hit


class _Near:
    """Strings grouped by length: a string within k edits of a query is at most k longer or
    shorter, so only those groups are compared."""

    def __init__(self, strings: Sequence[str]) -> None:
        groups: dict[int, list[int]] = defaultdict(list)
        for at, text in enumerate(strings):
            groups[len(text)].append(at)
        self._groups = {n: ([strings[at] for at in ats], ats) for n, ats in groups.items()}

    def near(self, query: str, cutoff: int) -> list[int]:
        """Positions of the strings within `cutoff` edits (adjacent swaps count once)."""
        found: list[int] = []
        for length in range(len(query) - cutoff, len(query) + cutoff + 1):
            group = self._groups.get(length)
            if group is not None:
                texts, positions = group
                near = process.extract(
                    query, texts, scorer=OSA.distance, score_cutoff=cutoff, limit=None
                )
                found += [positions[at] for _, _, at in near]
        return found


class _Grams:
    """Which texts hold each string of 1 to GRAM characters, as sorted codes with the texts of
    each: a query of at most GRAM characters is one lookup; a longer one takes the texts of its
    rarest GRAM-gram and checks only those."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        # The separator ends every text, so no gram of a text reaches into the next one.
        codes = _codes("".join(text + "\x00" for text in texts))
        owner = np.repeat(np.arange(len(texts), dtype=np.int32), [len(t) + 1 for t in texts])
        self._tables = [_postings(codes, owner, n) for n in range(1, GRAM + 1)]

    def find(self, query: str) -> np.ndarray:
        """Positions of the texts that contain `query`, ascending."""
        if not query or "\x00" in query:
            return np.zeros(0, np.int64)
        n = min(len(query), GRAM)
        keys, starts, owners = self._tables[n - 1]
        grams = _grams(_codes(query), n)
        at = np.minimum(np.searchsorted(keys, grams), max(len(keys) - 1, 0))
        if not len(keys) or not np.array_equal(keys[at], grams):
            return np.zeros(0, np.int64)
        rarest = at[np.argmin(starts[at + 1] - starts[at])]
        found = owners[starts[rarest] : starts[rarest + 1]].astype(np.int64)
        if len(query) > n:
            found = found[[query in self._texts[text] for text in found.tolist()]]
        return found


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)


def _grams(codes: np.ndarray, n: int) -> np.ndarray:
    """The code of the n characters starting at each position, for every full window."""
    count = max(len(codes) - n + 1, 0)
    grams = np.zeros(count, np.uint64)
    for k in range(n):
        grams = (grams << np.uint64(BITS)) | codes[k : k + count]
    return grams


def _postings(
    codes: np.ndarray, owner: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct n-gram codes sorted, where each one's texts start, the texts ascending)."""
    grams = _grams(codes, n)
    separated = np.zeros(len(grams), dtype=bool)
    for k in range(n):
        separated |= codes[k : k + len(grams)] == 0
    grams, owners = grams[~separated], owner[: len(grams)][~separated]
    order = np.argsort(grams, kind="stable")  # stable: each gram's texts stay ascending
    grams, owners = grams[order], owners[order]
    fresh = np.ones(len(grams), dtype=bool)
    fresh[1:] = (grams[1:] != grams[:-1]) | (owners[1:] != owners[:-1])
    grams, owners = grams[fresh], owners[fresh]
    keys, firsts = np.unique(grams, return_index=True)
    return keys, np.append(firsts, len(grams)), owners


def _word_suffixes(names: Sequence[str]) -> Iterator[tuple[str, int]]:
    """(the rest of the name from a word that is not its first, topic position)."""
    for at, name in enumerate(names):
        for match in WORD.finditer(name):
            if match.start() > 0:
                yield name[match.start() :], at


def _sorted_pairs(pairs: Iterator[tuple[str, int]]) -> tuple[list[str], np.ndarray]:
    ordered = sorted(pairs)
    return [text for text, _ in ordered], np.array([at for _, at in ordered], np.int64)


def _prefix_bounds(ordered: list[str], prefix: str) -> tuple[int, int]:
    return bisect.bisect_left(ordered, prefix), bisect.bisect_left(ordered, prefix + HIGH)


def _prefix_range(ordered: list[str], prefix: str, *, exact: bool = False) -> slice:
    start = bisect.bisect_left(ordered, prefix)
    stop = bisect.bisect_right(ordered, prefix) if exact else _prefix_bounds(ordered, prefix)[1]
    return slice(start, stop)
