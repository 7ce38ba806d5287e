"""Who is calling: the `x-api-key` header resolved to an organization, then charged to its budget.

Every failure reads the same (401 UNAUTHORIZED), so a caller cannot tell a revoked key from a typo.
A revoked key is refused within `api.key_cache.KEY_TTL_SECONDS` (5 s) of its revocation.
"""

from dataclasses import dataclass
from typing import Final

from litestar.di import NamedDependency

from api.context import AnyRequest, ApiContext
from api.errors import RateLimited, Unauthorized
from api.ratelimit import RateDecision
from data.metadata.models import OrgId

HEADER: Final = "x-api-key"
_DECISION_KEY: Final = "rate_decision"


@dataclass(frozen=True)
class Caller:
    org_id: OrgId
    key_id: str


async def authenticate_caller(request: AnyRequest, ctx: NamedDependency[ApiContext]) -> Caller:
    """The `caller` dependency of every keyed route; keys come through `api.key_cache`."""
    presented = request.headers.get(HEADER)
    key = await ctx.keys.lookup(presented) if presented else None
    if key is None:
        raise Unauthorized()
    charge(request, ctx.limiter.hit(key.id, ctx.now()))
    return Caller(key.organization_id, key.id)


def charge(request: AnyRequest, decision: RateDecision) -> None:
    """Keep the budget decision for the response headers; RateLimited when it is spent."""
    request.scope.setdefault("state", {})[_DECISION_KEY] = decision
    if not decision.allowed:
        raise RateLimited(decision)


def rate_decision(state: dict[str, object]) -> RateDecision | None:
    """The budget the request was charged to, for its response headers."""
    decision = state.get(_DECISION_KEY)
    return decision if isinstance(decision, RateDecision) else None
