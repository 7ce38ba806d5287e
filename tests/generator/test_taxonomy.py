"""The topic taxonomy: believable, unique names of both types with a few keywords each."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from data.errors import DatasetError
from data.generator.industries import INDUSTRIES
from data.generator.taxonomy import build_taxonomy, plain_candidates, prefixed_candidates
from data.generator.taxonomy_words import FAMILIES


@pytest.fixture(scope="module")
def full() -> pa.Table:
    return build_taxonomy(np.random.default_rng(1), 20_000).table


def test_default_size_has_unique_names(full: pa.Table) -> None:
    assert len(pc.unique(full.column("name"))) == 20_000


def test_both_topic_types_are_present(full: pa.Table) -> None:
    assert set(full.column("type").to_pylist()) == {"b2b", "b2c"}


def test_names_read_like_research_topics(full: pa.Table) -> None:
    names = set(full.column("name").to_pylist())
    assert {"CRM Software", "Marketing ROI", "Kubernetes Security"} <= names


def test_every_topic_has_a_few_lower_case_keywords(full: pa.Table) -> None:
    for keywords in full.column("keywords").to_pylist():
        assert 2 <= len(keywords) <= 4
        assert all(word == word.lower() for word in keywords)


def test_industry_and_category_are_lower_case(full: pa.Table) -> None:
    for column in ("industry", "category"):
        assert all(value == value.lower() for value in full.column(column).to_pylist())


def test_small_taxonomies_use_plain_names_only() -> None:
    names = build_taxonomy(np.random.default_rng(1), 300).table.column("name").to_pylist()
    plain = {candidate.name for candidate in plain_candidates()}
    assert set(names) <= plain


def test_popularity_sums_to_one_and_favours_plain_names() -> None:
    taxonomy = build_taxonomy(np.random.default_rng(1), 5_000)
    plain = {candidate.name for candidate in plain_candidates()}
    top = np.argsort(taxonomy.popularity)[::-1][:100]
    assert taxonomy.popularity.sum() == pytest.approx(1.0)
    assert {taxonomy.table.column("name")[int(i)].as_py() for i in top} <= plain


def test_more_topics_than_the_word_lists_spell_is_an_error_naming_topics() -> None:
    too_many = len(plain_candidates()) + len(prefixed_candidates()) + 1
    with pytest.raises(DatasetError, match="topics"):
        build_taxonomy(np.random.default_rng(1), too_many)


def test_zero_topics_is_an_error_naming_topics() -> None:
    with pytest.raises(DatasetError, match="topics"):
        build_taxonomy(np.random.default_rng(1), 0)


def test_audience_industries_are_company_industries() -> None:
    audiences = {industry for family in FAMILIES for industry in family.audience}
    assert audiences <= set(INDUSTRIES)


def test_no_name_repeats_a_word() -> None:
    for candidate in plain_candidates() + prefixed_candidates():
        words = candidate.name.lower().replace("-", " ").split()
        assert len(words) == len(set(words)), candidate.name
