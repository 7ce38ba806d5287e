"""The validation report: every problem found in a dataset, each naming its file and column.

Errors make a dataset invalid; warnings (such as incomplete dates) are reported but do not.
"""

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str  # relative to the dataset root
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.column}]" if self.column else self.file
        return f"{self.severity.value}: {where}: {self.message}"


def error(file: str, column: str | None, message: str) -> Problem:
    return Problem(Severity.ERROR, file, column, message)


def warning(file: str, column: str | None, message: str) -> Problem:
    return Problem(Severity.WARNING, file, column, message)


@dataclass(frozen=True)
class ValidationReport:
    root: str
    dates: list[str]  # the complete dates whose files were checked
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity is Severity.WARNING]

    def to_dict(self) -> dict[str, object]:
        return {
            "root": self.root,
            "ok": self.ok,
            "dates": list(self.dates),
            "errorCount": len(self.errors),
            "warningCount": len(self.warnings),
            "problems": [asdict(problem) for problem in self.problems],
        }
