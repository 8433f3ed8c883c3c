"""Named locks in the ledger: two runs of the same sweep serialise on a row instead of racing."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from reformflow.models.ledger import Lock, utcnow


def take_lock(name: str, *, session: Session) -> None:
    """Serialise this transaction with any other taking the same lock; call it before anything else. The lock
    is held until the caller's transaction ends."""
    taken = session.execute(update(Lock).where(Lock.name == name).values(taken_at=utcnow())).rowcount
    if not taken:
        try:
            with session.begin_nested():
                session.add(Lock(name=name))
        except IntegrityError:  # created meanwhile by the other run: wait for it like the update would
            session.execute(update(Lock).where(Lock.name == name).values(taken_at=utcnow()))
