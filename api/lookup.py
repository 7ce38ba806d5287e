"""Finding a caller's audience, run or export by the ids in a path, or answering 404.

Malformed ids, missing rows and rows of another organization all read as the same 404.
"""

import uuid

from api.auth import Caller
from api.context import ApiContext
from api.errors import NotFound
from data.metadata.models import Audience, AudienceId, Export, ExportId, Run, RunId


def parse_id(text: str, what: str) -> str:
    """The canonical form of a UUID path id (lower case, hyphens)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise NotFound(f"{what} not found") from None


def audience_of(ctx: ApiContext, caller: Caller, audience_id: str) -> Audience:
    found = ctx.store.get_audience(caller.org_id, AudienceId(parse_id(audience_id, "audience")))
    if found is None:
        raise NotFound("audience not found")
    return found


def run_of(ctx: ApiContext, caller: Caller, audience_id: str, run_id: str) -> Run:
    """A run of a live audience of the caller's organization."""
    audience = audience_of(ctx, caller, audience_id)
    run = ctx.store.get_run(RunId(parse_id(run_id, "run")), caller.org_id)
    if run is None or run.audience_id != audience.id:
        raise NotFound("run not found")
    return run


def export_of(ctx: ApiContext, caller: Caller, run: Run, export_id: str) -> Export:
    export = ctx.store.get_export(ExportId(parse_id(export_id, "export")), caller.org_id)
    if export is None or export.run_id != run.id:
        raise NotFound("export not found")
    return export
