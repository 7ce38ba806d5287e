"""Factories for audience config tests: raw wire configs and the problems a parse reports."""

from collections.abc import Callable
from typing import Any

import pytest

from engine.config import parse_config
from engine.errors import ConfigError, Problem

MakeRaw = Callable[..., dict[str, Any]]


@pytest.fixture
def make_raw() -> MakeRaw:
    """A valid raw config with two topics; overrides replace fields, DROP leaves one out."""

    def make(**overrides: Any) -> dict[str, Any]:
        raw: dict[str, Any] = {"topicIds": [7, 3]}
        raw.update(overrides)
        return {key: value for key, value in raw.items() if value is not DROP}

    return make


DROP = object()  # an override value meaning "leave this field out"


def problems_of(raw: object, **kwargs: Any) -> list[Problem]:
    """The problems `parse_config` reports for `raw`; fails the test when it accepts it."""
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, **kwargs)  # type: ignore[arg-type]
    return caught.value.problems


def fields_of(raw: object, **kwargs: Any) -> list[str]:
    return [problem.field for problem in problems_of(raw, **kwargs)]
