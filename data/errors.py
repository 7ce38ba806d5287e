"""Errors of the data layer: datasets, stores and snapshots.

`DatasetError` is the base class; each error names the file or field it is about.
"""


class DatasetError(Exception):
    """Base class of every error raised by the data layer."""


class SnapshotError(DatasetError):
    """A snapshot directory or file cannot be written or read; the message names the path."""


class ColumnTypeError(DatasetError):
    """A column is missing, has nulls where none are allowed, or cannot take the contract type."""


class DateExistsError(DatasetError):
    """A complete data date already exists and replacing it was not asked for."""


class ConcurrentPublishError(DatasetError):
    """Another writer published a data date while this one uploaded it; this upload of the date
    was removed, not published."""


class DataDateMissing(DatasetError):
    """A data date is not complete, or a file it needs (topics, people version) is absent."""


class IngestError(DatasetError):
    """An input file cannot become part of the dataset; the message names the file and column."""


class MetadataError(DatasetError):
    """A metadata write broke a schema rule (a missing parent row, a duplicate name or id).

    The message names the table and, where the database says, the column.
    """


class ExportError(DatasetError):
    """An export cannot be produced: an unknown format, or a results file that cannot be read."""


class StorageError(DatasetError):
    """A store cannot be used: a missing bucket or directory, refused credentials or an endpoint
    that does not answer; the message names the bucket (or directory) and the settings to check.
    `kind` says which: "missing", "denied" or "unreachable"."""

    def __init__(self, message: str, kind: str = "unreachable") -> None:
        super().__init__(message)
        self.kind = kind
