"""Markers for handler parameters: which are dependencies, path ids or JSON bodies.

Litestar reads these to bind values (and for the OpenAPI document); handlers stay plain functions.
"""

from typing import Final, TypeAlias

from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth import Caller
from api.context import ApiContext

Ctx: TypeAlias = NamedDependency[ApiContext]
Who: TypeAlias = NamedDependency[Caller]  # the authenticated caller; only on keyed routes
PathId: TypeAlias = FromPath[str]  # checked by api.lookup: malformed ids are 404, not 400
# Past any reachable page, and inside every database's integer range (SQLite refuses 2**63).
MAX_OFFSET: Final = 2**31 - 1
