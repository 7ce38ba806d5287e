"""The filter catalog as plain data for `GET /audiences/filters`: groups, filters, values, counts.

Counts come in as `{column: {value: count}}` from the current people data; this module only shapes.
"""

from collections.abc import Mapping
from typing import Final

from engine.config_filters import BOOL_KINDS, TEXT_KINDS
from engine.filters import (
    BY_KEY,
    CATALOG,
    MAX_FILTER_VALUES,
    MAX_TOPICS,
    FilterKind,
    FilterSpec,
    TextOperator,
)
from engine.labels import label
from engine.vocab import DECISION_MAKERS

Counts = Mapping[str, Mapping[str, int]]  # people column -> value -> number of people

GROUPS: Final = {
    "company": ("Company", "Firmographics of the person's employer"),
    "role": ("Role", "Seniority, department and decision-making power"),
    "jobTitle": ("Job title", "Terms matched against the person's job title"),
    "contact": ("Contact", "Which ways of reaching the person are on file"),
    "location": ("Location", "Where the person is based"),
    "demographics": ("Demographics", "Age range and gender"),
}
OPERATORS: Final = {
    "multi_select": ["in"],
    "boolean": ["is"],
    "text_terms": [op.value for op in TextOperator],
}


def filter_catalog(counts: Counts, *, max_values: int = 100) -> dict[str, object]:
    """Every group and filter in catalog order; open vocabularies list their `max_values` commonest.

    The summary states the config size limits: topic ids per config and values per filter.

    Presence filters (`contact.*`) read `counts[column]` as `{"true": present, "false": absent}`;
    `role.isDecisionMaker` sums the seniority counts.
    """
    groups = list(dict.fromkeys(spec.group for spec in CATALOG))
    return {
        "groups": [_group(group, counts, max_values) for group in groups],
        "summary": {
            "defaultFieldLogic": "and",
            "maxTopicIds": MAX_TOPICS,
            "maxValuesPerFilter": MAX_FILTER_VALUES,
        },
    }


def filter_type(key: str) -> str:
    """The control type of a filter key: multi_select, boolean or text_terms."""
    kind = BY_KEY[key].kind
    if kind in BOOL_KINDS:
        return "boolean"
    return "text_terms" if kind in TEXT_KINDS else "multi_select"


def _group(group: str, counts: Counts, max_values: int) -> dict[str, object]:
    name, description = GROUPS[group]
    specs = [spec for spec in CATALOG if spec.group == group]
    return {
        "key": group,
        "label": name,
        "description": description,
        "filters": [_filter(spec, counts, max_values) for spec in specs],
    }


def _filter(spec: FilterSpec, counts: Counts, max_values: int) -> dict[str, object]:
    kind = filter_type(spec.key)
    return {
        "key": spec.key,
        "label": spec.label,
        "description": spec.description or spec.label,
        "type": kind,
        "valueType": "boolean" if kind == "boolean" else "string",
        "operators": OPERATORS[kind],
        "values": _values(spec, counts.get(spec.column, {}), max_values),
        "maxValues": None if kind == "boolean" else MAX_FILTER_VALUES,
    }


def _values(
    spec: FilterSpec, counts: Mapping[str, int], max_values: int
) -> list[dict[str, object]]:
    if spec.kind is FilterKind.DECISION_MAKER:
        yes = sum(n for value, n in counts.items() if value in DECISION_MAKERS)
        return _yes_no(yes, sum(counts.values()) - yes)
    if spec.kind is FilterKind.PRESENCE:
        return _yes_no(counts.get("true", 0), counts.get("false", 0))
    if spec.kind in TEXT_KINDS:
        return []  # free terms: nothing to pick from
    if spec.vocabulary is not None:
        return [_value(value, label(value), counts.get(value, 0)) for value in spec.vocabulary]
    commonest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:max_values]
    readable = label if spec.kind is FilterKind.VALUES else str  # a domain reads as itself
    return [_value(value, readable(value), n) for value, n in commonest]


def _yes_no(yes: int, no: int) -> list[dict[str, object]]:
    return [_value(True, "Yes", yes), _value(False, "No", no)]


def _value(value: str | bool, text: str, count: int) -> dict[str, object]:
    return {"value": value, "label": text, "count": count}
