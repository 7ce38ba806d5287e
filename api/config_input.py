"""An audience config from a request: parsed by the engine against the dataset's topics.

Without a dataset at hand topic ids are only checked for shape; runs check them again later.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from api.context import ApiContext
from data.errors import DataNotAvailable
from engine.config import AudienceConfig
from engine.config_json import canonical_json, config_hash
from engine.config_parse import parse_config


@dataclass(frozen=True)
class ParsedConfig:
    config: AudienceConfig
    canonical_json: str
    config_hash: str


def parse_request_config(ctx: ApiContext, raw: Mapping[str, object]) -> ParsedConfig:
    """Raises engine ConfigError with every problem, field paths under `config.`."""
    config = parse_config(raw, known_topic_ids=known_topic_ids(ctx))
    return ParsedConfig(config, canonical_json(config), config_hash(config))


def known_topic_ids(ctx: ApiContext) -> frozenset[int] | None:
    try:
        return ctx.catalog.topic_ids()
    except DataNotAvailable:
        return None
