"""Errors of the data layer: datasets, stores and snapshots.

`DatasetError` is the base class; each error names the file or field it is about.
"""


class DatasetError(Exception):
    """Base class of every error raised by the data layer."""


class SnapshotError(DatasetError):
    """A snapshot directory or file cannot be written or read; the message names the path."""
