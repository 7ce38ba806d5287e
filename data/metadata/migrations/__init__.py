"""Alembic migrations of the metadata schema; `data.metadata.migrate` runs them.

Revisions never import the current tables. A new one: on a database at head, call
`alembic.command.revision(migrate.alembic_config(connection), message, autogenerate=True)`.
"""
