"""Search ranking: exact name, prefix, word prefix, substring, keyword, then typos; ties by the
latest audience, then topic id; the same query always answers the same list."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.topic_search import SearchIndex, fold
from tests.topics.conftest import Client

URL = "/v1/intent/topics/search"


def _ids(client: Client, query: str, **params: object) -> list[int]:
    reply = client.get(URL, params={"q": query, **params})
    assert reply.status_code == 200, reply.text
    return [topic["topicId"] for topic in reply.json()["data"]]


def test_tiers_come_in_order_with_audience_ties_inside_a_tier(client: Client) -> None:
    # 1 exact, 2 prefix, 9 and 3 word prefix (9 has the larger latest audience), 4 substring,
    # 5 keywords only
    assert _ids(client, "crm software") == [1, 2, 9, 3, 4, 5]


def test_exact_name_comes_first_whatever_the_case(client: Client) -> None:
    assert _ids(client, "  kubernetes   SECURITY ")[0] == 8


def test_prefix_finds_names_starting_with_the_query(client: Client) -> None:
    assert _ids(client, "trail run") == [7]


def test_keyword_finds_topics_whose_name_lacks_the_word(client: Client) -> None:
    assert _ids(client, "pipeline") == [5]
    assert 5 in _ids(client, "software crm")


def test_one_letter_typo_finds_the_topic(client: Client) -> None:
    assert _ids(client, "crm sofware")[0] == 1
    assert _ids(client, "kubernetis")[0] == 8


def test_filters_and_limit_apply(client: Client) -> None:
    assert _ids(client, "running", type="b2c", limit=1) == [6]
    assert _ids(client, "crm", industry="retail") == []


def test_ranking_is_stable(client: Client) -> None:
    first = _ids(client, "software", limit=50)
    assert all(_ids(client, "software", limit=50) == first for _ in range(3))


def test_no_match_is_an_empty_list(client: Client) -> None:
    assert _ids(client, "zzzz qqqq") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alpha", [0, 1]),  # exact name, then a keyword
        ("alp", [1, 0]),  # both prefixes: the larger audience first
        ("beta", [1]),  # a word prefix
        ("lpha", [0, 1]),  # a substring, then a keyword one letter off
        ("gamma", [2]),  # a keyword
        ("deltq", [2]),  # a whole name one letter off
    ],
)
def test_tier_order_on_a_small_index(query: str, expected: list[int]) -> None:
    index = SearchIndex(["Alpha", "Alpine Beta", "Delta"], [[], ["beta", "alpha"], ["gamma"]])
    keep = np.ones(3, dtype=bool)
    audience = np.array([1, 5, 0])
    assert index.search(query, keep, audience, 10) == expected


LETTERS = st.text(alphabet="abcé ü-x\u0130\U0001f600", max_size=12)


@given(
    names=st.lists(LETTERS, max_size=8),
    keywords=st.lists(st.lists(LETTERS, max_size=3), max_size=8),
    query=st.text(alphabet="abcé ü-x\u0130\U0001f600", min_size=1, max_size=6),
)
def test_contains_finds_exactly_the_names_and_keywords_holding_the_query(
    names: list[str], keywords: list[list[str]], query: str
) -> None:
    keywords = (keywords + [[]] * len(names))[: len(names)]
    folded = fold(query)
    expected = [
        bool(folded) and (folded in fold(name) or any(folded in fold(k) for k in extra))
        for name, extra in zip(names, keywords, strict=True)
    ]
    assert SearchIndex(names, keywords).contains(query).tolist() == expected
