"""Opening the metadata store named by a database URL: engine, migrations, then the store.

The composition roots (CLI, API app, workers) call `open_store`; tests may build engines alone.
"""

from data.metadata.engines import create_db_engine
from data.metadata.migrate import upgrade_engine
from data.metadata.sql import SqlMetadataStore

__all__ = ["create_db_engine", "open_store"]


def open_store(url: str, *, upgrade: bool = True) -> SqlMetadataStore:
    """The store at `url` (`sqlite:///path` or `postgresql+psycopg://...`), its schema brought
    to the newest revision first unless `upgrade` is False."""
    engine = create_db_engine(url)
    if upgrade:
        upgrade_engine(engine)
    return SqlMetadataStore(engine)
