"""The audience builder on the wire: the filter catalog and the answer of `validate`."""

from typing import Any, Literal

import msgspec

from api.wire.common import ErrorDetail, Meta


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


class FilterGroup(msgspec.Struct):
    key: str
    label: str
    description: str
    filters: list[FilterOut]


class CatalogSummary(msgspec.Struct, rename="camel"):
    default_field_logic: Literal["and"]


class FilterCatalog(msgspec.Struct):
    groups: list[FilterGroup]
    summary: CatalogSummary


class FilterCatalogEnvelope(msgspec.Struct):
    data: FilterCatalog
    meta: Meta


class Validation(msgspec.Struct, rename="camel"):
    valid: bool
    config_hash: str
    normalized_config: dict[str, Any]
    applied_filters: list[dict[str, Any]]
    warnings: list[ErrorDetail]


class ValidationEnvelope(msgspec.Struct):
    data: Validation
    meta: Meta


def filter_catalog_of(document: dict[str, object]) -> FilterCatalog:
    """The engine's catalog view (plain data) as the typed wire object."""
    return msgspec.convert(document, FilterCatalog)
