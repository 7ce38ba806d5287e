"""Alembic migrations of the metadata schema; `data.metadata.migrate` runs them.

Each revision in `versions/` is self-contained: it never imports the current table definitions.
"""
