"""Liveness and readiness for orchestrators: no key, no rate limit.

Ready means the metadata database, the broker, the dataset and the snapshot storage all answer.
"""

from collections.abc import Callable, Mapping
from typing import Final

import msgspec
from litestar import get
from litestar.di import NamedDependency

from api.context import AnyRequest, ApiContext
from api.envelope import meta
from api.errors import NotReady
from api.openapi import errors
from api.params import Ctx
from api.wire.common import Meta
from data.metadata.models import OrgId
from engine.errors import Problem

ReadyCheck = Callable[[], None]  # raises when its dependency does not answer
ReadyChecks = Mapping[str, ReadyCheck]
_NO_ORG: Final = OrgId("00000000-0000-0000-0000-000000000000")


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    checks: dict[str, str] = {}


class HealthEnvelope(msgspec.Struct):
    data: Health
    meta: Meta


@get("/health", summary="Liveness: the process answers")
async def health(request: AnyRequest, ctx: Ctx) -> HealthEnvelope:
    return HealthEnvelope(Health("ok"), meta(ctx, request.scope))


@get(
    "/ready",
    sync_to_thread=True,
    responses=errors(503),
    summary="Readiness: database, broker, dataset and snapshot storage reachable",
)
def ready(
    request: AnyRequest, ctx: Ctx, ready_checks: NamedDependency[ReadyChecks]
) -> HealthEnvelope:
    problems = [Problem(name, message) for name, message in _failures(ready_checks).items()]
    if problems:
        raise NotReady("not ready: " + ", ".join(p.field for p in problems), details=problems)
    checks = dict.fromkeys(ready_checks, "ok")
    return HealthEnvelope(Health("ready", checks), meta(ctx, request.scope))


def default_checks(ctx: ApiContext, broker: ReadyCheck | None) -> dict[str, ReadyCheck]:
    """Database and dataset checks; the broker's comes from the composition root (or none:
    an in-process broker is up whenever the process is)."""
    return {
        "database": lambda: _ping_database(ctx),
        "broker": broker or (lambda: None),
        "dataset": lambda: _require_dataset(ctx),
        "snapshots": ctx.snapshots.check,
    }


HANDLERS = [health, ready]


def _failures(checks: Mapping[str, ReadyCheck]) -> dict[str, str]:
    failures: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means not ready; the reason goes in details
            failures[name] = str(exc) or type(exc).__name__
    return failures


def _ping_database(ctx: ApiContext) -> None:
    ctx.store.get_organization(_NO_ORG)


def _require_dataset(ctx: ApiContext) -> None:
    ctx.catalog.check()
    if ctx.catalog.latest_complete_date() is None:
        raise NotReady(f"no complete data date in {ctx.catalog.location}")
