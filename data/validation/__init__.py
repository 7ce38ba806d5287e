"""Dataset validation: every difference between a dataset and the contract, with file and column.

`validate_dataset(root)` returns a `ValidationReport`; the checks live in one module per concern.
"""

from data.validation.report import Problem, Severity, ValidationReport
from data.validation.validate import validate_dataset

__all__ = ["Problem", "Severity", "ValidationReport", "validate_dataset"]
