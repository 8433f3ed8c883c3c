"""The database: one engine per URL for the life of the process, schema kept by Alembic migrations."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

from reformflow.config import settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL and a busy timeout let a flow and the CLI share the file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
    cursor.close()


_CREATING = threading.Lock()  # task workers open their first sessions from several threads at once


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine)
    return engine


def get_engine() -> Engine:
    """The engine for the configured database, created (and migrated to head) on first use."""
    with _CREATING:  # one thread creates and migrates; Alembic's context is not thread-safe
        return _engine_for(settings.db_url)


def session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def take_lock(name: str, *, session: Session) -> None:
    """Serialise this transaction with any other taking the same lock; call it before anything else."""
    from models import Lock, utcnow

    taken = session.execute(update(Lock).where(Lock.name == name).values(taken_at=utcnow())).rowcount
    if not taken:
        try:
            with session.begin_nested():
                session.add(Lock(name=name))
        except IntegrityError:  # created meanwhile by the other run: wait for it like the update would
            session.execute(update(Lock).where(Lock.name == name).values(taken_at=utcnow()))


def migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
