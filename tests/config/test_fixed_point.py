"""Property: whatever the parser accepts normalizes to a fixed point of parse and canonical."""

from typing import Any

from hypothesis import example, given, reject, settings
from hypothesis import strategies as st

from engine.config import canonical_json, parse_config, to_canonical
from engine.config_filters import BOOL_KINDS, TEXT_KINDS
from engine.errors import ConfigError
from engine.filters import CATALOG, FilterKind, FilterSpec, TextMode, TextOperator

PADDING = st.sampled_from(["", " ", "  ", "\t"])
WORDS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=10)
HOSTS = ("acme.com", "www.io", " beta.co.uk", "")
# Tricky inputs every run tries first, whatever the random examples turn out to be.
TRICKY: list[dict[str, Any]] = [
    {"topicIds": [1], "filters": {"company": {"domains": [" WWW.www.acme.com", "www. www.x"]}}},
    {"topicIds": [2, 2], "minScore": 0, "filters": {"location.cities": ["  İstanbul ", "ǅ"]}},
    {"topicIds": [3], "filters": {"jobTitle": {"include": ["\tCFO"], "includeMode": "all"}}},
]


@st.composite
def messy(draw: st.DrawFn, values: st.SearchStrategy[str]) -> str:
    """A value as a person might type it: odd case, stray spaces, maybe a www. on domains."""
    value = draw(values)
    value = value.upper() if draw(st.booleans()) else value
    return draw(PADDING) + value + draw(PADDING)


def values_of(spec: FilterSpec) -> st.SearchStrategy[str]:
    if spec.vocabulary is not None:
        return messy(st.sampled_from(spec.vocabulary))
    if spec.kind is FilterKind.DOMAINS:
        prefixes = st.sampled_from(["", "www.", "WWW.www.", "www. www."])
        return messy(st.builds(str.__add__, prefixes, st.sampled_from(HOSTS) | WORDS))
    return messy(WORDS)


def filter_value(spec: FilterSpec) -> st.SearchStrategy[Any]:
    """Either form of one filter: bare or object, with optional job-title options."""
    if spec.kind in BOOL_KINDS:
        return st.booleans() | st.builds(lambda v: {"value": v}, st.booleans())
    values = st.lists(values_of(spec), min_size=1, max_size=4)
    if spec.kind not in TEXT_KINDS:
        return values | st.builds(lambda v: {"values": v}, values)
    options = st.fixed_dictionaries(
        {"values": values},
        optional={
            "operator": st.sampled_from(list(TextOperator)),
            "mode": st.sampled_from(list(TextMode)),
        },
    )
    return values | options.map(lambda o: {k: str(v) if k != "values" else v for k, v in o.items()})


@st.composite
def filters(draw: st.DrawFn) -> dict[str, Any]:
    """Some catalog filters, each written dotted or nested at random."""
    specs = draw(st.lists(st.sampled_from(CATALOG), unique=True, max_size=5))
    result: dict[str, Any] = {}
    for spec in specs:
        value = draw(filter_value(spec))
        group, name = spec.key.split(".", 1)
        if draw(st.booleans()):
            result[spec.key] = value
        else:
            result.setdefault(group, {})[name] = value
    return result


RAW_CONFIGS = st.fixed_dictionaries(
    {"topicIds": st.lists(st.integers(0, 400), min_size=1, max_size=12)},
    optional={
        "minScore": st.none() | st.integers(0, 99),
        "maxScore": st.none() | st.integers(50, 99),
        "minTopicOverlap": st.none() | st.integers(1, 4),
        "sourceUrl": st.none() | st.text(max_size=30),
        "filters": st.none() | filters(),
    },
)


def accepted(raw: dict[str, Any]) -> Any:
    try:
        return parse_config(raw)
    except ConfigError:
        reject()


def with_tricky_examples(test: Any) -> Any:
    for raw in TRICKY:
        test = example(raw)(test)
    return test


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@with_tricky_examples
@given(RAW_CONFIGS)
def test_parsing_the_canonical_form_gives_the_same_config(raw: dict[str, Any]) -> None:
    config = accepted(raw)
    assert parse_config(to_canonical(config)) == config


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@with_tricky_examples
@given(RAW_CONFIGS)
def test_canonical_json_is_stable_under_reparsing(raw: dict[str, Any]) -> None:
    config = accepted(raw)
    assert canonical_json(parse_config(to_canonical(config))) == canonical_json(config)
