"""Alembic environment: runs revisions on the connection `data.metadata.migrate` passes in.

That connection is already inside a locked transaction, so every revision commits or none does.
"""

from alembic import context

from data.metadata.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
