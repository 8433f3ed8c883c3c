"""The database: one engine per office for the life of the process (each office's ledger is its own database),
the schema kept by Alembic migrations, and the one transaction rule.

Migrations run once: `reformflow migrate` before the workers start, or the first process to open an outdated
ledger. Processes starting together on a fresh database take turns on a lock (PostgreSQL's advisory lock, a
lock file beside a SQLite file); the ones that waited find the schema at head and change nothing.

The rule: domain functions (supervision, notifications) never commit. Whatever starts the work — a flow task, a
CLI command, a web request — opens `with transaction(office) as session:` for the office it acts for and passes
the session on by keyword; the block commits when it ends and rolls back when it raises, so nothing is ever
half-written.
"""

from __future__ import annotations

import fcntl
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from reformflow.core.offices import get_office
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


@lru_cache(maxsize=64)
def _engine_for(url: str, busy_timeout_ms: int) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if not at_head(engine):
        migrate(engine)
    return engine


def get_engine(office: str) -> Engine:
    """The engine for the office's database, created (and migrated to head) on first use."""
    url = get_office(office).db_url
    with _CREATING:  # one thread creates and migrates; Alembic's context is not thread-safe
        return _engine_for(url, settings.sqlite_busy_timeout_ms)


@contextmanager
def transaction(office: str) -> Iterator[Session]:
    """One unit of work in the office's ledger: commits when the block ends, rolls back everything if it raises."""
    with Session(get_engine(office), expire_on_commit=False) as session, session.begin():
        yield session


def head_revision() -> str | None:
    """The newest migration, read from the `revision` and `down_revision` lines of the migration files without
    importing Alembic (a second and more of every command's start-up on a busy machine); None unless the
    history is a single line with one head."""
    revisions, parents = set(), set()
    for file in (resources.files("reformflow.models") / "migrations" / "versions").iterdir():
        if not file.name.endswith(".py"):
            continue
        source = file.read_text(encoding="utf-8")
        revision = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", source, re.MULTILINE)
        down = re.search(r"^down_revision\s*=\s*(.*)$", source, re.MULTILINE)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(engine: Engine) -> bool:
    """The ledger is at the newest migration already: then Alembic is neither imported nor run."""
    head = head_revision()
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # a new database: no version table yet
        return False
    return head is not None and versions == [head]


def migrate_database(office: str) -> str:
    """Migrate the office's ledger to head (`reformflow migrate`); returns the revision it is at."""
    return migrate(get_engine(office))


def _config():
    from alembic.config import Config  # Alembic only where a schema may change: read-only commands start faster

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the schema to head under the migration lock; returns the head revision."""
    from alembic import command
    from alembic.script import ScriptDirectory

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
