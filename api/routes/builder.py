"""The audience builder: the filter catalog with counts, config validation and preview.

Nothing here is stored; validate and preview answer about a config sent in the body.
"""

from typing import Annotated, Any, Final

from litestar import get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from api.context import AnyRequest, ApiContext
from api.envelope import meta
from api.openapi import keyed
from api.params import Ctx, Who, parse_request_config
from api.wire.audiences import Config
from api.wire.builder import (
    FilterCatalogEnvelope,
    PreviewEnvelope,
    Strategy,
    Validation,
    ValidationEnvelope,
    filter_catalog_of,
    preview_of,
)
from api.wire.common import ErrorDetail
from data.errors import DataDateMissing
from engine.catalog_view import filter_catalog
from engine.config import applied_filters, open_value_warnings, to_canonical
from engine.filters import CATALOG, FilterKind
from engine.materialize import strategy_for
from engine.preview import preview
from jobs.submit import pick_data_date

MAX_SAMPLE: Final = 50
COUNTED_KINDS: Final = frozenset({FilterKind.VALUES, FilterKind.DOMAINS, FilterKind.DECISION_MAKER})
COUNTED_COLUMNS: Final = tuple(
    dict.fromkeys(spec.column for spec in CATALOG if spec.kind in COUNTED_KINDS)
)
PRESENCE_COLUMNS: Final = tuple(spec.column for spec in CATALOG if spec.kind is FilterKind.PRESENCE)


@get(
    "/audiences/filters",
    sync_to_thread=True,
    responses=keyed(),
    summary="The filter catalog, with how many people have each value",
)
def get_filters(request: AnyRequest, ctx: Ctx, caller: Who) -> FilterCatalogEnvelope:
    catalog = filter_catalog_of(filter_catalog(people_value_counts(ctx)))
    return FilterCatalogEnvelope(catalog, meta(ctx, request.scope))


@post(
    "/audiences/validate",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(413),
    summary="Validate and normalize a config; every problem is listed in details",
)
def validate_config(
    request: AnyRequest, ctx: Ctx, caller: Who, data: JSONBody[Config]
) -> ValidationEnvelope:
    parsed = parse_request_config(ctx, data)
    counts: dict[str, Any] = people_value_counts(ctx)
    warnings = open_value_warnings(parsed.config, counts)
    strategy = strategy_for(parsed.config, ctx.settings.backend)
    validation = Validation(
        valid=True,
        config_hash=parsed.config_hash,
        normalized_config=to_canonical(parsed.config),
        applied_filters=applied_filters(parsed.config),
        strategy=Strategy(strategy.backend, strategy.shape),
        warnings=[ErrorDetail(w.field, w.message) for w in warnings],
    )
    return ValidationEnvelope(validation, meta(ctx, request.scope))


@post(
    "/audiences/preview",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=keyed(413, 422, s422="DATA_NOT_AVAILABLE: the dataset has no complete date yet"),
    summary="Counts, breakdowns and a masked sample of a config on the latest complete date",
)
def preview_config(
    request: AnyRequest,
    ctx: Ctx,
    caller: Who,
    data: JSONBody[Config],
    sample_size: Annotated[
        int, QueryParameter(name="sampleSize", ge=0, le=MAX_SAMPLE, description="rows in `sample`")
    ] = 10,
) -> PreviewEnvelope:
    parsed = parse_request_config(ctx, data)
    inputs = ctx.catalog.resolve(pick_data_date(ctx.deps, None))
    result = preview(inputs, parsed.config, sample_size=sample_size, backend=ctx.settings.backend)
    body = preview_of(result, parsed.config_hash, applied_filters(parsed.config))
    return PreviewEnvelope(body, meta(ctx, request.scope))


HANDLERS = [get_filters, validate_config, preview_config]


def people_value_counts(ctx: ApiContext) -> dict[str, dict[str, int]]:
    """How many people have each value of the filterable columns, from the current people data:
    `{column: {value: people}}` (a presence column's values are "true" and "false"); with no
    dataset yet, no counts rather than an error."""
    try:
        values = ctx.catalog.value_counts(COUNTED_COLUMNS)
        return values | ctx.catalog.presence_counts(PRESENCE_COLUMNS)
    except DataDateMissing:
        return {}
