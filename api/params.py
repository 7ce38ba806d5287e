"""What handlers take from a request: the JSON body, decoded defensively; markers telling Litestar
which parameters are dependencies, path ids or bodies; and audience configs parsed by the engine.

Bodies are read only after the guards ran (the key is checked first), within a time limit, and
decoded as strict UTF-8 JSON at most MAX_JSON_DEPTH levels deep with no NUL in any string:
anything else is 400 VALIDATION_ERROR naming the field, never a 500.
"""

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

import anyio
import msgspec
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth import Caller
from api.context import ApiContext, context_of
from api.envelope import BODY_READ_KEY
from api.errors import InvalidBody, RequestTimeout
from data.errors import DataDateMissing
from engine.config import AudienceConfig, canonical_json, config_hash, parse_config
from engine.errors import Problem

Ctx: TypeAlias = NamedDependency[ApiContext]
Who: TypeAlias = NamedDependency[Caller]  # the authenticated caller; only on keyed routes
PathId: TypeAlias = FromPath[str]  # checked by api.lookup: malformed ids are 404, not 400
# Past any reachable page, and inside every database's integer range (SQLite refuses 2**63).
MAX_OFFSET: Final = 2**31 - 1
# Far deeper than any config (5 levels); shallow enough that no decoder recurses dangerously.
MAX_JSON_DEPTH: Final = 32

_JSON_STRING: Final = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEP: Final = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class ApiRequest(Request[Any, Any, Any]):
    """The app's request class: a bounded body read and the defensive JSON decoder."""

    async def body(self) -> bytes:
        seconds = context_of(self.app).settings.body_timeout_seconds
        try:
            with anyio.fail_after(seconds):
                body = await super().body()
        except TimeoutError:
            raise RequestTimeout(f"the request body did not arrive within {seconds} s") from None
        self.scope.setdefault("state", {})[BODY_READ_KEY] = True
        return body

    async def json(self) -> Any:
        state = self.scope.setdefault("state", {})
        if "decoded_json" not in state:
            state["decoded_json"] = decode_json_body(await self.body() or b"null")
        return state["decoded_json"]


def decode_json_body(body: bytes) -> Any:
    """A request body as JSON; InvalidBody with the problems when it is not acceptable."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidBody([Problem("body", f"is not valid UTF-8 (byte {exc.start})")]) from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise InvalidBody([Problem("body", f"nests deeper than {MAX_JSON_DEPTH} levels")])
    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InvalidBody([Problem("body", f"is not valid JSON: {exc}")]) from None
    if "\\u0000" in text:  # the only way JSON can carry a NUL
        problems = [Problem(p, "must not contain NUL characters") for p in _nul_paths(value, "")]
        if problems:
            raise InvalidBody(problems)
    return value


def _depth(body: bytes) -> int:
    """How deep arrays and objects nest, strings left out (an upper bound for invalid JSON)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    if len(brackets) <= MAX_JSON_DEPTH:
        return len(brackets)
    return max(itertools.accumulate(_BRACKET_STEP[b] for b in brackets))


def _nul_paths(value: object, path: str) -> Iterator[str]:
    """Field paths (`config.filters.company.names[0]`) of strings holding a NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                yield path or "body"
            else:
                yield from _nul_paths(item, field)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{i}]")


@dataclass(frozen=True)
class ParsedConfig:
    config: AudienceConfig
    canonical_json: str
    config_hash: str


def parse_request_config(ctx: ApiContext, raw: Mapping[str, object]) -> ParsedConfig:
    """The engine's parse of a config against the dataset's topics; without a dataset at hand,
    topic ids are only checked for shape (runs check them again). Raises engine ConfigError with
    every problem, field paths under `config.`."""
    config = parse_config(raw, known_topic_ids=_known_topic_ids(ctx))
    return ParsedConfig(config, canonical_json(config), config_hash(config))


def _known_topic_ids(ctx: ApiContext) -> frozenset[int] | None:
    try:
        return ctx.catalog.topic_ids()
    except DataDateMissing:
        return None
