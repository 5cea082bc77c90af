"""What both migration trees' env.py run: online migrations on the connection we hand to Alembic.

The connection carries the schema_translate_map of its target (shared or one tenant), so migration
scripts never name a real schema. Alembic's version table is the exception: Alembic inspects it by
its literal schema, so we give the real schema name (already validated) for it.
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
    with context.begin_transaction():
        context.run_migrations()
