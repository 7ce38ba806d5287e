"""Errors of the engine layer, one small table under one base class.

EngineError            anything the engine refuses; never retryable (pure compute)
 ├── ConfigError       an audience config is invalid; `problems` names every field at fault
 └── BackendError      a materialization backend failed or cannot be used
      ├── UnknownBackend   a backend name that is not one of BACKEND_NAMES
      └── BackendMismatch  verify mode: DuckDB and Polars disagree; names the first difference
"""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the dotted field path (`config.filters.role.seniority[1]`)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EngineError(Exception):
    """Base of every engine error; the same input always fails the same way, so never retry."""

    retryable: ClassVar[bool] = False


class ConfigError(EngineError):
    """An audience config failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems) or "invalid config")
        self.problems = problems


class BackendError(EngineError):
    """A materialization backend failed or cannot be used."""


class UnknownBackend(BackendError):
    """A backend name that no implementation answers to."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"backend: unknown {name!r}, expected one of {', '.join(known)}")
        self.name = name


class BackendMismatch(BackendError):
    """Two backends returned different results; `difference` names the first one found."""

    def __init__(self, left: str, right: str, difference: str) -> None:
        super().__init__(f"{left} and {right} differ: {difference}")
        self.difference = difference
