"""Topic analyze: what a web page or a text is about, as the catalog's topics.

The page gives a company (site name or title), a summary (meta description) and weighted words:
title, meta keywords and headings count more than body text, and only words of the topic
vocabulary count at all. Topics are ranked by the cosine of TF-IDF vectors (page words against
each topic's name and keyword words), which is deterministic: ties go by topic id.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from data.topic_index import Topic, TopicIndex
from data.topic_search import words

MAX_TOPICS: Final = 20
MAX_KEYWORDS: Final = 15
# How much a word counts by where it appears on the page.
FIELD_WEIGHTS: Final = {"title": 3.0, "keywords": 3.0, "headings": 2.0, "summary": 2.0, "body": 1.0}
NAME_WEIGHT: Final = 2.0  # a word of a topic's name counts twice a word of its keywords
TITLE_SEPARATORS: Final = re.compile(r"\s+[|\-–—:·•]\s+")
STOP_WORDS: Final = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is", "it",
        "of", "on", "or", "our", "the", "to", "we", "with", "you", "your",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PageText:
    """What analyze reads of a page, by field."""

    company: str | None
    summary: str | None
    fields: dict[str, str]  # field name (FIELD_WEIGHTS) -> its text


@dataclass(frozen=True)
class TopicMatch:
    topic: Topic
    similarity: float  # 0..1, 4 decimals
    matched_keyword: str  # the page word that adds most to the similarity


@dataclass(frozen=True)
class Analysis:
    company: str | None
    summary: str | None
    keywords: list[str]
    topics: list[TopicMatch]


def read_html(html: str) -> PageText:
    """Company, summary and field texts of an HTML document (scripts and styles left out)."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "noscript", "template", "svg"])
    title = _text(tree, "title")
    summary = _meta(tree, "description") or _meta(tree, "og:description")
    company = _meta(tree, "og:site_name") or _meta(tree, "application-name") or _title_name(title)
    headings = " ".join(node.text(separator=" ") for node in tree.css("h1, h2, h3"))
    body = tree.body.text(separator=" ") if tree.body is not None else ""
    fields = {
        "title": title or "",
        "keywords": _meta(tree, "keywords") or "",
        "headings": headings,
        "summary": summary or "",
        "body": body,
    }
    return PageText(company, summary, fields)


def read_text(text: str) -> PageText:
    return PageText(None, None, {"body": text})


def analyze(page: PageText, index: TopicIndex) -> Analysis:
    """The page's keywords and the topics it matches best, most similar first."""
    vectors = _vectors(index)
    weights = vectors.page_weights(page.fields)
    keywords = sorted(weights, key=lambda word: (-weights[word], word))[:MAX_KEYWORDS]
    return Analysis(page.company, page.summary, keywords, vectors.match(weights, index))


class _TopicVectors:
    """Each topic as a TF-IDF vector over the words of its name and keywords, by word."""

    def __init__(self, names: Sequence[str], keywords: Sequence[Sequence[str]]) -> None:
        weights: list[dict[str, float]] = []
        for name, extra in zip(names, keywords, strict=True):
            counts: dict[str, float] = {}
            for word in _content_words(" ".join(extra)):
                counts[word] = 1.0
            for word in _content_words(name):
                counts[word] = NAME_WEIGHT
            weights.append(counts)
        document_frequency = Counter(word for counts in weights for word in counts)
        self.idf = {w: math.log(1 + len(names) / n) for w, n in document_frequency.items()}
        postings: dict[str, tuple[list[int], list[float]]] = {}
        norms = np.zeros(len(names))
        for at, counts in enumerate(weights):
            for word, weight in counts.items():
                value = weight * self.idf[word]
                found = postings.setdefault(word, ([], []))
                found[0].append(at)
                found[1].append(value)
                norms[at] += value * value
        self.norms = np.sqrt(norms)
        self.postings = {w: (np.array(p), np.array(v)) for w, (p, v) in postings.items()}

    def page_weights(self, fields: dict[str, str]) -> dict[str, float]:
        """Per vocabulary word on the page: (1 + log of its weighted count) x its IDF."""
        counts: dict[str, float] = {}
        for field, text in fields.items():
            for word in _content_words(text):
                if word in self.idf:
                    counts[word] = counts.get(word, 0.0) + FIELD_WEIGHTS[field]
        return {word: (1 + math.log(n)) * self.idf[word] for word, n in counts.items()}

    def match(self, page: dict[str, float], index: TopicIndex) -> list[TopicMatch]:
        if not page:
            return []
        scores = np.zeros(len(self.norms))
        best = np.full(len(self.norms), -1.0)
        best_word = np.full(len(self.norms), -1, dtype=np.int64)
        ordered = sorted(page)
        for number, word in enumerate(ordered):
            at, values = self.postings[word]
            added = values * page[word]
            scores[at] += added
            better = added > best[at]
            best[at[better]] = added[better]
            best_word[at[better]] = number
        page_norm = math.sqrt(sum(value * value for value in page.values()))
        similarity = np.round(scores / np.maximum(self.norms * page_norm, 1e-12), 4)
        found = np.flatnonzero(similarity > 0)
        top = found[np.lexsort((found, -similarity[found]))][:MAX_TOPICS]
        return [
            TopicMatch(index.topic(int(at)), float(similarity[at]), ordered[best_word[at]])
            for at in top
        ]


@lru_cache(maxsize=2)
def _vectors(index: TopicIndex) -> _TopicVectors:
    """Built once per index (a new index comes with each completed date or topics change)."""
    return _TopicVectors(index.names, index.keywords)


def _content_words(text: str) -> Iterable[str]:
    return (word for word in words(text) if word not in STOP_WORDS and not word.isdigit())


def _text(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    text = " ".join(node.text().split()) if node is not None else ""
    return text or None


def _meta(tree: LexborHTMLParser, name: str) -> str | None:
    node = tree.css_first(f'meta[name="{name}"], meta[property="{name}"]')
    content = node.attributes.get("content") if node is not None else None
    text = " ".join(content.split()) if content else ""
    return text or None


def _title_name(title: str | None) -> str | None:
    """The site's name from a title like "Acme CRM | Sales software for teams": its first part."""
    if not title:
        return None
    return TITLE_SEPARATORS.split(title, maxsplit=1)[0].strip() or None
