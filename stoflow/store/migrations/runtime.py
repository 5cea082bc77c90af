"""What both migration trees' env.py run: online migrations on the connection we hand to Alembic.

The connection carries the schema_translate_map of its target (shared or one tenant), so migration
scripts never name a real schema. Alembic's version table is the exception: Alembic inspects it by
its literal schema, so we give the real schema name (already validated) for it. Alembic's ALTER
statements do not honour the translate map either, so on PostgreSQL the migration's transaction
also sets its search_path (SET LOCAL: it ends with the transaction, never leaks into the pool).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData


def run(metadata: MetaData) -> None:
    config = context.config
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=config.attributes.get("version_schema"),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    schema = config.attributes.get("version_schema")
    with context.begin_transaction():
        if schema is not None and connection.dialect.name == "postgresql":
            quoted = connection.dialect.identifier_preparer.quote_schema(schema)
            connection.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")
        context.run_migrations()
