"""The audience builder on the wire: the filter catalog and the answers of validate and preview."""

from typing import Any, Literal

import msgspec

from api.wire.common import ErrorDetail, Meta
from api.wire.results import Company, Demographics, Intent, Location
from engine.preview import PreviewResult


class FilterValue(msgspec.Struct):
    value: str | bool
    label: str
    count: int


class FilterOut(msgspec.Struct, rename="camel"):
    key: str
    label: str
    description: str
    type: Literal["multi_select", "boolean", "text_terms"]
    value_type: str
    operators: list[str]
    values: list[FilterValue]
    max_values: int | None = None


class FilterGroup(msgspec.Struct):
    key: str
    label: str
    description: str
    filters: list[FilterOut]


class CatalogSummary(msgspec.Struct, rename="camel"):
    default_field_logic: Literal["and"]
    max_topic_ids: int
    max_values_per_filter: int


class FilterCatalog(msgspec.Struct):
    groups: list[FilterGroup]
    summary: CatalogSummary


class FilterCatalogEnvelope(msgspec.Struct):
    data: FilterCatalog
    meta: Meta


class Strategy(msgspec.Struct):
    backend: str
    shape: str


class Validation(msgspec.Struct, rename="camel"):
    valid: bool
    config_hash: str
    normalized_config: dict[str, Any]
    applied_filters: list[dict[str, Any]]
    strategy: Strategy
    warnings: list[ErrorDetail]  # open-vocabulary values no one in the current data has


class ValidationEnvelope(msgspec.Struct):
    data: Validation
    meta: Meta


class Breakdown(msgspec.Struct):
    value: str
    label: str
    count: int


class Breakdowns(msgspec.Struct):
    industries: list[Breakdown]
    seniorities: list[Breakdown]
    departments: list[Breakdown]
    countries: list[Breakdown]


class PreviewRow(msgspec.Struct, rename="camel"):
    """A result row without contact details; `hashedEmail` is cut to 16 characters + `...`."""

    hashed_email: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    linkedin_url: str | None
    headline: str | None
    job_title: str | None
    seniority: str | None
    department: str | None
    company: Company
    location: Location
    demographics: Demographics
    intent: Intent


class Preview(msgspec.Struct, rename="camel"):
    config_hash: str
    data_date: str
    strategy: Strategy
    total_count: int
    candidate_count: int
    breakdowns: Breakdowns
    sample: list[PreviewRow]
    applied_filters: list[dict[str, Any]]


class PreviewEnvelope(msgspec.Struct):
    data: Preview
    meta: Meta


def filter_catalog_of(document: dict[str, object]) -> FilterCatalog:
    """The engine's catalog view (plain data) as the typed wire object."""
    return msgspec.convert(document, FilterCatalog)


def preview_of(result: PreviewResult, config_hash: str, applied: list[dict[str, Any]]) -> Preview:
    """The engine's preview with the config fields the API adds."""
    document = {**result.to_dict(), "configHash": config_hash, "appliedFilters": applied}
    return msgspec.convert(document, Preview)
