"""Topic discovery: browse, facets, search, trend, compare, movers and analyze.

No API key: each client address has its own request budget. Answers come from the in-memory
topic index (`data.topic_index`), rebuilt when a data date completes.
"""

from dataclasses import dataclass
from typing import Annotated, Final, Literal

from litestar import Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from api.auth import charge
from api.context import AnyRequest
from api.envelope import meta
from api.errors import NotFound
from api.openapi import errors
from api.params import Ctx
from api.ratelimit import RateLimiter
from api.wire.topics import Analysis as AnalysisOut
from api.wire.topics import (
    AnalysisEnvelope,
    AnalyzedTopic,
    AnalyzeInput,
    CompareEnvelope,
    CompareInput,
    CompareSeries,
    Facets,
    FacetsEnvelope,
    MoversEnvelope,
    PageMeta,
    TopicList,
    TopicPage,
    TrendEnvelope,
    compare_point,
    facet_values,
    mover_out,
    topic_out,
    trend_point,
)
from data.topic_index import Filters, LiveTopicIndex, TopicIndex
from engine.errors import Problem
from jobs.errors import InvalidRequest
from jobs.page_fetch import fetch_page
from jobs.topic_analyze import Analysis, analyze, read_html, read_text
from jobs.urlguard import UrlGuard

TopicType = Literal["b2b", "b2c", "both"]
LIMITED: Final = "RATE_LIMITED: this client address has spent its budget; see Retry-After"
TypeParam = Annotated[
    TopicType | None, QueryParameter(description="`b2b`, `b2c` or `both` (the default)")
]
IndustryParam = Annotated[str | None, QueryParameter(max_length=200, description="exact, any case")]
DaysParam = Annotated[
    int, QueryParameter(ge=1, le=366, description="the last this many complete dates")
]


@dataclass(frozen=True)
class TopicDeps:
    """What the topic routes share: the live index, the per-address budget, the URL guard."""

    index: LiveTopicIndex
    limiter: RateLimiter
    guard: UrlGuard
    movers_min_audience: int


Topics = NamedDependency[TopicDeps]


async def limit_by_address(request: AnyRequest, topics: Topics) -> str:
    """The `visitor` dependency: charges the client address (the socket peer, never a header
    the client sets) and refuses with 429 once its budget is spent."""
    address = request.client.host if request.client is not None else "unknown"
    charge(request, await topics.limiter.hit(f"address:{address}"))
    return address


@get(
    "/topics",
    sync_to_thread=False,
    responses=errors(400, 429, s429=LIMITED),
    summary="Browse topics, filtered, one page at a time",
)
def browse(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    q: Annotated[
        str | None, QueryParameter(max_length=100, description="in name or keywords")
    ] = None,
    type: TypeParam = None,
    industry: IndustryParam = None,
    category: IndustryParam = None,
    page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, QueryParameter(ge=1, le=200)] = 50,  # noqa: N803 - errors name it
) -> TopicPage:
    page_size = pageSize
    filters = Filters(type, industry, category)
    found, total = topics.index.current().browse(filters, q, page, page_size)
    base = meta(ctx, request.scope)
    more = page * page_size < total
    page_meta = PageMeta(base.timestamp, base.request_id, total, page, page_size, more)
    return TopicPage([topic_out(topic) for topic in found], page_meta)


@get(
    "/topics/facets",
    sync_to_thread=False,
    responses=errors(429, s429=LIMITED),
    summary="How many topics have each type, industry and category",
)
def facets(
    request: AnyRequest, ctx: Ctx, topics: Topics, visitor: NamedDependency[str]
) -> FacetsEnvelope:
    counts = topics.index.current().facets
    data = Facets(*(facet_values(counts[name]) for name in ("types", "industries", "categories")))
    return FacetsEnvelope(data, meta(ctx, request.scope))


@get(
    "/topics/search",
    sync_to_thread=False,
    responses=errors(400, 429, s429=LIMITED),
    summary="Topics ranked by how well their name or keywords match `q` (typos tolerated)",
)
def search(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    q: Annotated[str, QueryParameter(min_length=1, max_length=100)],
    type: TypeParam = None,
    industry: IndustryParam = None,
    limit: Annotated[int, QueryParameter(ge=1, le=50)] = 10,
) -> TopicList:
    if not q.strip():
        raise InvalidRequest([Problem("q", "must have a letter or digit")])
    found = topics.index.current().search(q, Filters(type, industry), limit)
    return TopicList([topic_out(topic) for topic in found], meta(ctx, request.scope))


@get(
    "/topics/{topic_id:int}/trend",
    sync_to_thread=False,
    responses=errors(400, 404, 429, s404="NOT_FOUND: no topic has this id", s429=LIMITED),
    summary="A topic's figures on each complete data date, oldest first",
)
def trend(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    topic_id: FromPath[int],
    days: DaysParam = 30,
) -> TrendEnvelope:
    index = topics.index.current()
    at = _position(index, topic_id, "topicId")
    topic = index.topic(at)
    points = [trend_point(topic, day) for day in index.trend(at, days)]
    return TrendEnvelope(points, meta(ctx, request.scope))


@post(
    "/topics/compare",
    sync_to_thread=False,
    status_code=HTTP_200_OK,
    responses=errors(400, 404, 413, 429, s404="NOT_FOUND: a topic id is unknown", s429=LIMITED),
    summary="The daily figures of 1-10 topics side by side, in the order asked",
)
def compare(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    data: JSONBody[CompareInput],
    days: DaysParam = 30,
) -> CompareEnvelope:
    index = topics.index.current()
    _refuse_repeats(data.topic_ids)
    positions = [_position(index, t, f"topicIds[{n}]") for n, t in enumerate(data.topic_ids)]
    series = [
        CompareSeries(
            index.topic(at).topic_id,
            index.topic(at).name,
            [compare_point(day) for day in index.trend(at, days)],
        )
        for at in positions
    ]
    return CompareEnvelope(series, meta(ctx, request.scope))


@get(
    "/topics/movers",
    sync_to_thread=False,
    responses=errors(400, 429, s429=LIMITED),
    summary="Topics whose audience rose (or fell) most between the two latest complete dates",
)
def movers(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    limit: Annotated[int, QueryParameter(ge=1, le=50)] = 20,
    direction: Annotated[
        Literal["up", "down"], QueryParameter(description="`up` or `down`")
    ] = "up",
    type: TypeParam = None,
    industry: IndustryParam = None,
) -> MoversEnvelope:
    index = topics.index.current()
    found = index.movers(Filters(type, industry), direction, limit, topics.movers_min_audience)
    return MoversEnvelope([mover_out(m) for m in found], meta(ctx, request.scope))


@post(
    "/topics/analyze",
    sync_to_thread=True,
    status_code=HTTP_200_OK,
    responses=errors(
        400,
        413,
        422,
        429,
        s400="VALIDATION_ERROR, or URL_NOT_ALLOWED: the URL's address is private or reserved",
        s422="FETCH_FAILED (the page could not be fetched) or UNSUPPORTED_CONTENT (not HTML/text)",
        s429=LIMITED,
    ),
    summary="The topics a web page (fetched) or a text is about, most similar first",
)
def analyze_page(
    request: AnyRequest,
    ctx: Ctx,
    topics: Topics,
    visitor: NamedDependency[str],
    data: JSONBody[AnalyzeInput],
) -> AnalysisEnvelope:
    if (data.url is None) == (data.text is None):
        raise InvalidRequest([Problem("url", "give exactly one of url and text")])
    if data.url is not None:
        fetched = fetch_page(data.url, topics.guard)
        page = (
            read_html(fetched.text) if "html" in fetched.content_type else read_text(fetched.text)
        )
    else:
        page = read_text(data.text or "")
    result = analyze(page, topics.index.current())
    return AnalysisEnvelope(_analysis_out(result), meta(ctx, request.scope))


HANDLERS = [browse, facets, search, trend, compare, movers, analyze_page]


def router(base_path: str, deps: TopicDeps) -> Router:
    """The topic routes under `base_path`, charged per client address instead of per key."""
    return Router(
        base_path,
        route_handlers=HANDLERS,
        dependencies={
            "topics": Provide(lambda: deps, use_cache=True, sync_to_thread=False),
            "visitor": Provide(limit_by_address),
        },
        tags=["Topic Discovery"],
    )


def _position(index: TopicIndex, topic_id: int, field: str) -> int:
    at = index.position(topic_id)
    if at is None:
        problem = Problem(field, f"no topic has id {topic_id}")
        raise NotFound(f"topic {topic_id} does not exist", details=[problem])
    return at


def _refuse_repeats(topic_ids: list[int]) -> None:
    seen: set[int] = set()
    for number, topic_id in enumerate(topic_ids):
        if topic_id in seen:
            problem = Problem(f"topicIds[{number}]", f"topic {topic_id} is listed twice")
            raise InvalidRequest([problem])
        seen.add(topic_id)


def _analysis_out(result: Analysis) -> AnalysisOut:
    found = [
        AnalyzedTopic(
            m.topic.topic_id,
            m.topic.name,
            m.topic.type,
            m.topic.industry,
            m.topic.category,
            m.similarity,
            m.matched_keyword,
        )
        for m in result.topics
    ]
    return AnalysisOut(result.company, result.summary, result.keywords, found)
