"""Queueing many messages in one go: the reminder sweep's hundreds of digests are one SELECT of the keys
already queued and one executemany, not a SELECT, a savepoint and an INSERT each.

Same rule as `outbox.enqueue`: a key queued before is left as it is. The sweep holds its lock while it queues,
so no other run inserts the same keys meanwhile; should anything else, the database's unique key still keeps
one copy (ON CONFLICT DO NOTHING) and the message is not counted as queued by this run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from reformflow.models import Message, MessageState, Unit, utcnow
from reformflow.notifications.render import render_for_channel

UPSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
CHUNK = 500  # keys per IN (…): well under SQLite's and PostgreSQL's bound-parameter limits


@dataclass(frozen=True)
class Planned:
    """One message to render and queue: its idempotency key, recipient, kind, channel and template context."""

    key: str
    recipient: Unit
    kind: str
    channel: str
    template: str
    context: dict


def _already_queued(keys: list[str], session: Session) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        found.update(session.scalars(select(Message.idempotency_key).where(Message.idempotency_key.in_(chunk))))
    return found


def enqueue_many(planned: list[Planned], *, session: Session) -> list[str]:
    """Render and queue every planned message not queued before (a split message gets one key per part);
    returns the keys queued now, in the order planned."""
    rows = []
    for item in planned:
        parts = render_for_channel(item.template, item.channel, **item.context)
        for number, message in enumerate(parts, start=1):
            now = utcnow()
            rows.append({"idempotency_key": item.key if len(parts) == 1 else f"{item.key}:part{number}",
                         "unit_id": item.recipient.id, "kind": item.kind, "channel": item.channel,
                         "subject": message.subject, "body": message.body, "body_format": message.format,
                         "attachments": list(message.attachments), "state": MessageState.QUEUED, "attempts": 0,
                         "next_attempt_at": now, "created_at": now, "updated_at": now})
    existing = _already_queued([row["idempotency_key"] for row in rows], session)
    rows = [row for row in rows if row["idempotency_key"] not in existing]
    if rows:
        dialect = session.get_bind().dialect.name
        if dialect in UPSERTS:
            statement = UPSERTS[dialect](Message).on_conflict_do_nothing(index_elements=["idempotency_key"])
        else:  # another database: the sweep's lock alone keeps the keys unique
            statement = insert(Message)
        session.execute(statement, rows)
    return [row["idempotency_key"] for row in rows]
