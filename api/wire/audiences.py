"""Audiences on the wire: the create and patch bodies and the audience object.

The config travels as a plain object: the engine's parser reports every problem in it at once.
"""

import json
from typing import Annotated, Any, Final, Literal

import msgspec

from api.wire.common import Meta, iso, iso_or_none
from data.metadata.models import Audience, Run

AudienceStatus = Literal["draft", "active", "paused"]
_STATUSES: Final[dict[str, AudienceStatus]] = {
    "draft": "draft",
    "active": "active",
    "paused": "paused",
}
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
CONFIG_EXAMPLE: Final = {
    "topicIds": [101, 202],
    "minScore": 70,
    "filters": {"role.seniority": {"values": ["director", "vp"]}},
}
Config = Annotated[
    dict[str, Any],
    msgspec.Meta(
        description="Audience config: topicIds (required), minScore, maxScore, "
        "minTopicOverlap, filters (dotted or nested shape), sourceUrl.",
        examples=[CONFIG_EXAMPLE],
    ),
]


class AudienceCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name
    config: Config
    status: AudienceStatus = "draft"


class AudiencePatch(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    status: AudienceStatus | msgspec.UnsetType = msgspec.UNSET
    config: Config | msgspec.UnsetType = msgspec.UNSET


class AudienceOut(msgspec.Struct, rename="camel"):
    id: str
    organization_id: str
    name: str
    status: AudienceStatus
    access_type: Literal["paid"]
    daily_refresh_enabled: bool
    audience_size: int | None
    last_refreshed_at: str | None
    config: dict[str, Any]
    config_hash: str
    created_at: str
    updated_at: str


class AudienceEnvelope(msgspec.Struct):
    data: AudienceOut
    meta: Meta


class AudienceListEnvelope(msgspec.Struct):
    data: list[AudienceOut]
    meta: Meta


def audience_out(audience: Audience, latest: Run | None) -> AudienceOut:
    """`latest` is the audience's latest completed run: it gives the size and refresh time."""
    return AudienceOut(
        id=audience.id,
        organization_id=audience.organization_id,
        name=audience.name,
        status=_status(audience.status),
        access_type="paid",
        daily_refresh_enabled=audience.status == "active",
        audience_size=latest.result_count if latest is not None else None,
        last_refreshed_at=iso_or_none(latest.completed_at) if latest is not None else None,
        config=json.loads(audience.config_json),
        config_hash=audience.config_hash,
        created_at=iso(audience.created_at),
        updated_at=iso(audience.updated_at),
    )


def _status(text: str) -> AudienceStatus:
    return _STATUSES.get(text, "draft")
