"""Alembic environment: runs on the connection :func:`redflags.store.db.upgrade` hands in."""

from __future__ import annotations

from alembic import context

from redflags.store.db import create_engine
from redflags.store.schema import metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic -x url=...` from a developer's shell
    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
