"""The envelope every response shares: `data` or `error`, and `meta` with time and request id.

Timestamps on the wire are UTC ISO-8601 with milliseconds and `Z`.
"""

import msgspec


class Meta(msgspec.Struct, rename="camel", omit_defaults=True):
    timestamp: str
    request_id: str = msgspec.field(name="request_id")  # spelled as Orbit spells it
    total: int | msgspec.UnsetType = msgspec.UNSET
    limit: int | msgspec.UnsetType = msgspec.UNSET
    offset: int | msgspec.UnsetType = msgspec.UNSET


class ErrorDetail(msgspec.Struct):
    field: str
    message: str


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody
    meta: Meta


class Deleted(msgspec.Struct):
    id: str
    deleted: bool


class DeletedEnvelope(msgspec.Struct):
    data: Deleted
    meta: Meta
