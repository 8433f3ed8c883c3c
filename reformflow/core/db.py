"""The database: one engine per URL for the life of the process, the schema kept by Alembic migrations, and
the one transaction rule.

Migrations run once: `reformflow migrate` before the workers start, or the first process to open an outdated
ledger. Processes starting together on a fresh database take turns on a lock (PostgreSQL's advisory lock, a
lock file beside a SQLite file); the ones that waited find the schema at head and change nothing.

The rule: domain functions (supervision, notifications) never commit. Whatever starts the work — a flow task, a
CLI command, a web request — opens `with transaction() as session:` and passes the session on by keyword; the
block commits when it ends and rolls back when it raises, so nothing is ever half-written.
"""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, text
from sqlmodel import Session, create_engine

from reformflow.core.settings import settings

# A package resource, so that the migrations are found wherever ReformFlow is installed.
MIGRATIONS = "reformflow.models:migrations"
_CREATING = threading.Lock()  # task workers open their first sessions from several threads at once


def _sqlite_pragmas(busy_timeout_ms: int):
    def apply(dbapi_connection, _record) -> None:
        # Foreign keys are off by default in SQLite; WAL and a busy timeout let a flow and the CLI share the file.
        # The busy timeout goes first: switching a fresh file to WAL waits for any other process opening it.
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    return apply


@lru_cache(maxsize=8)
def _engine_for(url: str, busy_timeout_ms: int) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine)
    return engine


def get_engine() -> Engine:
    """The engine for the configured database, created (and migrated to head) on first use."""
    with _CREATING:  # one thread creates and migrates; Alembic's context is not thread-safe
        return _engine_for(settings.db_url, settings.sqlite_busy_timeout_ms)


@contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back everything if it raises."""
    with Session(get_engine(), expire_on_commit=False) as session, session.begin():
        yield session


def migrate_database() -> str:
    """Migrate the configured ledger to head (`reformflow migrate`); returns the revision it is at."""
    return migrate(get_engine())


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the schema to head under the migration lock; returns the head revision."""
    config = _config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        if _revision(connection) == head:  # the usual case: nothing to do, no lock taken
            return head
    with _migration_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # held until this transaction ends, migrations included
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        if _revision(connection) != head:  # another process may have migrated while this one waited
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    return head


_LOCK_KEY = zlib.crc32(b"reformflow-migrations")  # one advisory lock id for every ReformFlow process


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite's migrations are not one transaction (pysqlite commits DDL as it goes), so processes sharing the
    file take turns on a lock file beside it; a database server brings its own lock."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
