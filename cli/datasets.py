"""The dataset a command reads: `--dataset` or INTENT_DATASET, a directory or s3://bucket/prefix."""

from pathlib import Path

from cli.errors import CliError
from data.catalog import DatasetCatalog
from data.errors import StorageError
from data.storage import Location, is_remote, local_path
from data.store_catalog import StoreCatalog, open_catalog
from jobs.settings import Settings, SettingsError


def settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from None


def open_dataset(location: Location | None) -> DatasetCatalog:
    """The catalog of `location` (INTENT_DATASET when None); CliError when it cannot be read."""
    current = settings()
    root = location if location is not None else current.dataset
    if not is_remote(root) and not Path(root).is_dir():
        raise CliError(f"dataset {root}: no such directory")
    try:
        catalog = open_catalog(root, current.s3)
        if isinstance(catalog, StoreCatalog):
            catalog.store.check()
        return catalog
    except StorageError as exc:
        raise CliError(f"dataset {root}: {exc}", exit_code=1) from None


def local_dataset(location: Location) -> Path:
    """The directory of a local dataset; CliError for one in an object store."""
    try:
        return local_path(location, "this command's dataset")
    except StorageError as exc:
        raise CliError(str(exc)) from None
