"""Alembic environment: runs on the connection ReformFlow hands it (reformflow.core.db.migrate)."""

import os

from alembic import context
from sqlmodel import SQLModel

import reformflow.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line: connect to the database it is told
        from sqlalchemy import create_engine

        url = os.environ.get("REFORMFLOW_DATABASE_URL")
        if not url:
            raise SystemExit("alembic: set REFORMFLOW_DATABASE_URL to the database to migrate")
        with create_engine(url).connect() as connection:
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
