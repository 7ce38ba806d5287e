"""Audiences on the wire: the create and patch bodies and the audience object.

The config travels as a plain object: the engine's parser reports every problem in it at once.
"""

import json
from typing import Annotated, Any, Final, Literal

import msgspec

from api.wire.common import Meta
from data.metadata.models import Audience, Run
from engine.config import MAX_SCORE, MAX_SOURCE_URL, MAX_TOPIC_ID, SCORE_FLOOR
from engine.filters import MAX_TOPICS
from jobs.wire import iso, iso_or_none

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
CONFIG_DESCRIPTION: Final = (
    "Audience config: topicIds (required), minScore, maxScore, minTopicOverlap, filters "
    "(dotted or nested shape), sourceUrl."
)
CONFIG_SCHEMA_NAME: Final = "AudienceConfig"
_NULLABLE_INT: Final = ["integer", "null"]
# What `engine.config.parse_config` accepts, as far as JSON Schema can say it. Beyond it:
# topic ids must exist in the current topic data (duplicates are merged, at most MAX_TOPICS
# distinct), minScore <= maxScore, minTopicOverlap <= the number of topics, and each filter must
# be one of the filter catalog's keys with a value of its shape (GET /audiences/filters).
CONFIG_SCHEMA: Final = {
    "type": "object",
    "description": CONFIG_DESCRIPTION,
    "required": ["topicIds"],
    "additionalProperties": False,
    "properties": {
        "topicIds": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "integer", "minimum": 0, "maximum": MAX_TOPIC_ID},
            "description": f"1 to {MAX_TOPICS} distinct ids of topics in the current topic data",
        },
        "minScore": {
            "type": _NULLABLE_INT,
            "minimum": 0,
            "maximum": MAX_SCORE,
            "description": f"at most maxScore; lower than {SCORE_FLOOR} counts as {SCORE_FLOOR}",
        },
        "maxScore": {"type": _NULLABLE_INT, "minimum": SCORE_FLOOR, "maximum": MAX_SCORE},
        "minTopicOverlap": {
            "type": _NULLABLE_INT,
            "minimum": 1,
            "maximum": MAX_TOPICS,
            "description": "at most the number of topics",
        },
        "filters": {
            "type": ["object", "null"],
            "description": "filter key -> value, keys and shapes as in GET /audiences/filters",
        },
        "sourceUrl": {"type": ["string", "null"], "maxLength": MAX_SOURCE_URL},
    },
    "examples": [CONFIG_EXAMPLE],
}
# Decoded as a plain object so that the engine's parser reports every problem at once; the
# document shows CONFIG_SCHEMA instead (api.openapi.refine).
Config = Annotated[dict[str, Any], msgspec.Meta(description=CONFIG_DESCRIPTION)]


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
