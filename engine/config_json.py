"""The canonical JSON form of a normalized audience config, and `configHash` over it.

Canonical JSON is the dotted filter shape with sorted keys and no spaces; it is what runs store.
"""

import hashlib
import json
from collections.abc import Mapping

from engine.catalog_view import filter_type
from engine.config import AudienceConfig, BoolFilter, Filter, TextFilter, ValuesFilter
from engine.config_parse import parse_config
from engine.filters import BY_KEY


def to_canonical(config: AudienceConfig) -> dict[str, object]:
    """The normalized JSON object; `sourceUrl` appears only when set."""
    obj: dict[str, object] = {
        "filters": {f.key: filter_object(f) for f in config.filters},
        "maxScore": config.max_score,
        "minScore": config.min_score,
        "minTopicOverlap": config.min_topic_overlap,
        "topicIds": list(config.topic_ids),
    }
    if config.source_url is not None:
        obj["sourceUrl"] = config.source_url
    return obj


def filter_object(f: Filter) -> dict[str, object]:
    """One filter in the dotted shape: `{"values": [...]}`, `{"value": true}` or with options."""
    match f:
        case BoolFilter():
            return {"value": f.value}
        case TextFilter():
            return {"mode": f.mode.value, "operator": f.operator.value, "values": list(f.values)}
        case ValuesFilter():
            return {"values": list(f.values)}


def canonical_json(config: AudienceConfig) -> str:
    return json.dumps(
        to_canonical(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def config_hash(config: AudienceConfig) -> str:
    """SHA-256 hex of the canonical JSON: equal configs, however written, hash equal."""
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()


def config_from_canonical(obj: Mapping[str, object]) -> AudienceConfig:
    """The config a stored canonical object stands for, re-validated so a corrupt row fails."""
    return parse_config(obj)


def applied_filters(config: AudienceConfig) -> list[dict[str, object]]:
    """The filters as API responses list them: key, label, type and the filter object."""
    return [
        {"key": f.key, "label": BY_KEY[f.key].label, "type": filter_type(f.key), **filter_object(f)}
        for f in config.filters
    ]
