"""The outbox: every message is stored before it is sent, under an idempotency key, and sent at most once
by whoever claims it. Failures are retried with backoff and end in a dead-letter state the office sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, or_, select

from models import Contact, Message, Unit, utcnow
from notifications.message import OutgoingMessage
from notifications.send import Delivery, send

STALE_CLAIM = timedelta(minutes=15)  # a claim older than this belongs to a process that died


def unit_channels(*, session: Session) -> dict[int, list[str]]:
    """unit id → the channels it can be reached on (its contacts), in a stable order."""
    channels: dict[int, list[str]] = {}
    for contact in session.exec(select(Contact).order_by(Contact.channel)):
        channels.setdefault(contact.unit_id, []).append(contact.channel)
    return channels


def enqueue(key: str, unit: Unit, kind: str, channel: str, message: OutgoingMessage, *, session: Session) -> bool:
    """Store a message unless one with this key exists. True when it was new."""
    if session.exec(select(Message.id).where(Message.idempotency_key == key)).first():
        return False
    try:
        with session.begin_nested():  # a concurrent sweep may insert the same key first
            session.add(Message(idempotency_key=key, unit_id=unit.id, kind=kind, channel=channel,
                                subject=message.subject, body=message.body))
    except IntegrityError:
        return False
    return True


@dataclass
class DispatchReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    dead: list[tuple[int, str]] = field(default_factory=list)


def due_message_ids(*, session: Session, limit: int = 500) -> list[int]:
    now = utcnow()
    stale = now - STALE_CLAIM
    query = select(Message.id).where(or_(
        Message.state.in_(("queued", "failed")) & (Message.next_attempt_at <= now),
        (Message.state == "sending") & (Message.updated_at < stale),
    )).order_by(Message.id).limit(limit)
    return list(session.exec(query))


def _claim(message_id: int, *, session: Session) -> bool:
    """Atomically move one message to `sending`; False when another dispatcher got there first."""
    now = utcnow()
    result = session.execute(
        update(Message)
        .where(Message.id == message_id)
        .where(or_(Message.state.in_(("queued", "failed")),
                   (Message.state == "sending") & (Message.updated_at < now - STALE_CLAIM)))
        .values(state="sending", updated_at=now)
    )
    session.commit()
    return result.rowcount == 1


def _contact_url(message: Message, *, session: Session) -> str | None:
    query = select(Contact.url).where(Contact.unit_id == message.unit_id, Contact.channel == message.channel)
    return session.exec(query).first()


def dispatch(message_ids: list[int], *, session: Session, max_attempts: int,
             sender: Callable[[str, OutgoingMessage], Delivery] = send) -> DispatchReport:
    """Send the given messages, each committed on its own so a crash loses at most the one in flight."""
    report = DispatchReport()
    for message_id in message_ids:
        if not _claim(message_id, session=session):
            continue
        message = session.get(Message, message_id)
        session.refresh(message)
        url = _contact_url(message, session=session)
        delivery = (sender(url, OutgoingMessage(message.subject, message.body)) if url
                    else Delivery(False, f"no {message.channel} contact for this unit"))
        _record(message, delivery, max_attempts)
        session.add(message)
        session.commit()
        if delivery.ok:
            report.sent.append(message_id)
        elif message.state == "dead":
            report.dead.append((message_id, delivery.error or ""))
        else:
            report.failed.append((message_id, delivery.error or ""))
    return report


def _record(message: Message, delivery: Delivery, max_attempts: int) -> None:
    now = utcnow()
    message.attempts += 1
    message.updated_at = now
    if delivery.ok:
        message.state, message.sent_at, message.last_error = "sent", now, None
        return
    message.last_error = delivery.error
    if message.attempts >= max_attempts:
        message.state = "dead"
    else:
        message.state = "failed"
        message.next_attempt_at = now + timedelta(minutes=2 ** message.attempts)


def requeue_dead(*, session: Session) -> int:
    """The office re-sends the dead letters (after fixing a contact, say)."""
    dead = list(session.exec(select(Message).where(Message.state == "dead")))
    for message in dead:
        message.state, message.attempts, message.next_attempt_at = "queued", 0, utcnow()
        session.add(message)
    session.commit()
    return len(dead)
