"""Log lines as readable text or one JSON object each, carrying the ids of what they are about.

`bound(run_id=..., ...)` puts ids in the context of a block; every line logged inside it, in
this thread or a task or thread that copied the context, carries them. Lines never carry API
keys, webhook secrets or e-mail addresses: they are replaced before any line is written.
"""

import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType
from typing import Any, Final, TextIO

from pythonjsonlogger.json import JsonFormatter

FORMATS: Final = ("text", "json")
FIELDS: Final = ("run_id", "attempt", "request_id", "organization_id", "audience_id")
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s %(message)s%(context)s"
JSON_FORMAT: Final = "%(levelname)s %(name)s %(message)s"
SECRETS: Final = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b(sk|whsec)_[\w-]+"), r"\1_<redacted>"),
)

_NONE: Final[Mapping[str, object]] = MappingProxyType({})
_CONTEXT: Final[ContextVar[Mapping[str, object]]] = ContextVar("log_context", default=_NONE)


def bind(**fields: object) -> Token[Mapping[str, object]]:
    """Add `fields` to the log context until `unbind` (for code that cannot use `bound`)."""
    return _CONTEXT.set({**_CONTEXT.get(), **fields})


def unbind(token: Token[Mapping[str, object]]) -> None:
    _CONTEXT.reset(token)


@contextmanager
def bound(**fields: object) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Sets the context's ids on each record and renders its message with secrets replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _CONTEXT.get()
        for name in FIELDS:
            if name in context and not hasattr(record, name):
                setattr(record, name, context[name])
        record.context = "".join(
            f" {name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)
        )
        record.msg, record.args = redact(record.getMessage()), None
        return True


class _Redacting(logging.Formatter):
    def formatException(self, ei: Any) -> str:  # noqa: N802 (the logging API's name)
        return redact(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return redact(super().formatStack(stack_info))


class TextFormatter(_Redacting):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)


class JsonLinesFormatter(_Redacting, JsonFormatter):
    def __init__(self) -> None:
        JsonFormatter.__init__(
            self,
            JSON_FORMAT,
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
            reserved_attrs=[*logging.LogRecord("", 0, "", 0, "", None, None).__dict__, "context"],
        )


def make_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, got {log_format!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """The root logger writes `log_format` lines to stderr; every other logger propagates to it
    (uvicorn's included, whose own handlers are removed; a disabled access log stays off)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings become log lines in the same format
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        if logger.handlers:  # uvicorn's own configuration; a disabled access log has none
            logger.handlers.clear()
            logger.propagate = True
