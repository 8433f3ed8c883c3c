"""Alembic environment: runs on the connection ReformFlow hands it (reformflow.db.migrate)."""

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from reformflow.config import settings

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line: connect to the configured database
        from sqlalchemy import create_engine

        with create_engine(settings.db_url).connect() as connection:
            _run_on(connection)
            connection.commit()
        return
    _run_on(connection)


def _run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
