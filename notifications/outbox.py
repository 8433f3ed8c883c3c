"""The outbox: every message is stored before it is sent, under an idempotency key, and sent at most once
by whoever claims it. Failures are retried with backoff and end in a dead-letter state the office sees.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Update, bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from reformflow.core.calendar import OfficeHours
from reformflow.models import Channel, Contact, Message, MessageState, Unit, utcnow
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.robot_limits import robot_free_at

if TYPE_CHECKING:  # the senders bring Apprise and HTTP clients: imported where messages are sent
    from reformflow.notifications.send import Delivery, Sender

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
                                subject=message.subject, body=message.body, body_format=message.format,
                                attachments=list(message.attachments)))
    except IntegrityError:
        return False
    return True


def enqueue_rendered(key: str, recipient: Unit, kind: str, channel: str, template: str, /, *, session: Session,
                     **context: object) -> list[str]:
    """Render `template` for the channel and queue it; a message split into parts gets one key per part.
    Returns the keys queued now (none when they were queued before)."""
    # Rendering loads the chat channels and Apprise: imported by what queues messages, not by read-only commands.
    from reformflow.notifications.render import render_for_channel

    parts = render_for_channel(template, channel, **context)
    queued = []
    for number, message in enumerate(parts, start=1):
        part_key = key if len(parts) == 1 else f"{key}:part{number}"
        if enqueue(part_key, recipient, kind, channel, message, session=session):
            queued.append(part_key)
    return queued


@dataclass
class DispatchReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    dead: list[tuple[int, str]] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)  # held back by a robot's rate limit, sent later
    queued_batches: int = 0  # handed to task workers instead of sent here

    def merge(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.dead += other.dead
        self.deferred += other.deferred


# Channels where sending the same message twice does no harm: the local outbox writes the same file again.
IDEMPOTENT_CHANNELS = (Channel.OUTBOX,)
QUIET_EXEMPT = (Channel.OUTBOX,)


def deliverable_ids(now: datetime, hours: OfficeHours, *, session: Session, limit: int = 10_000
                    ) -> tuple[list[int], int]:
    """The messages due now, and how many more wait for office hours. Quiet hours are for people: the local
    outbox is a folder and disturbs nobody, so it is delivered at any hour."""
    ids = due_message_ids(session=session, limit=limit)
    if hours.is_open(now):
        return ids, 0
    quiet = set(due_message_ids(session=session, limit=limit, exclude_channels=QUIET_EXEMPT))
    return sorted(set(ids) - quiet), len(quiet)


def due_message_ids(*, session: Session, limit: int = 500, exclude_channels: tuple[str, ...] = ()) -> list[int]:
    query = select(Message.id).where(Message.state.in_((MessageState.QUEUED, MessageState.FAILED)),
                                     Message.next_attempt_at <= utcnow())
    if exclude_channels:
        query = query.where(Message.channel.not_in(exclude_channels))
    return list(session.exec(query.order_by(Message.id).limit(limit)))


def settle_stale_claims(*, session: Session, office: str) -> list[int]:
    """Messages left `sending` by a sender that died. Whether they went out is unknown: on an idempotent
    channel they are simply sent again; otherwise they become `in_doubt` and the office decides, so that
    nobody gets a message twice and none is lost silently. Returns the ids now in doubt."""
    stale = list(session.exec(select(Message).where(Message.state == MessageState.SENDING,
                                                    Message.updated_at < utcnow() - STALE_CLAIM)))
    doubtful = []
    for message in stale:
        if message.channel in IDEMPOTENT_CHANNELS:
            message.state = MessageState.QUEUED
        else:
            message.state, message.last_error = MessageState.IN_DOUBT, in_doubt_hint(message.id, office)
            doubtful.append(message.id)
        message.updated_at = utcnow()
        session.add(message)
    return doubtful


def in_doubt_hint(message_id: int, office: str) -> str:
    """What the office reads on a message whose sender stopped mid-send: check first, then resend from the
    console's 消息 page, or (an administrator) with the command."""
    return (f"发送过程中发送进程中断，这条消息可能已送达，也可能没有送达。请先与收件单位核实；确需重发的，在控制台"
            f"“消息”页点这条消息的“重发”，或由管理员运行 `reformflow --office {office} outbox requeue {message_id}`。")


_MESSAGES = Message.__table__  # the claim and the outcome are Core statements: no ORM objects on the hot path


@dataclass(frozen=True)
class _Claimed:
    """A message this dispatcher claimed, as read by the claim itself."""

    id: int
    unit_id: int
    channel: str
    attempts: int  # before this attempt
    outgoing: OutgoingMessage


# Built once: building and caching a statement per message cost as much as running it.
_CLAIM = (update(_MESSAGES)
          .where(_MESSAGES.c.id == bindparam("message_id"),
                 _MESSAGES.c.state.in_((MessageState.QUEUED, MessageState.FAILED)))
          .values(state=MessageState.SENDING, updated_at=bindparam("now"))
          .returning(_MESSAGES.c.unit_id, _MESSAGES.c.channel, _MESSAGES.c.attempts, _MESSAGES.c.subject,
                     _MESSAGES.c.body, _MESSAGES.c.body_format, _MESSAGES.c.attachments))


def _claim(message_id: int, *, session: Session) -> _Claimed | None:
    """Atomically move one message to `sending` and read what to send, in one statement (UPDATE … RETURNING,
    so the content is read after the claim, never from a cache); None when another dispatcher got there first."""
    row = session.connection().execute(_CLAIM, {"message_id": message_id, "now": utcnow()}).first()
    if row is None:
        return None
    outgoing = OutgoingMessage(row.subject, row.body, row.body_format, tuple(row.attachments))
    return _Claimed(message_id, row.unit_id, row.channel, row.attempts, outgoing)


def _contact_urls(message_ids: list[int], *, session: Session) -> dict[tuple[int, str], str]:
    """(unit, channel) → contact URL for the units the messages go to: one read per batch, not per message."""
    query = (select(Contact.unit_id, Contact.channel, Contact.url)
             .join(Message, (Message.unit_id == Contact.unit_id) & (Message.channel == Contact.channel))
             .where(Message.id.in_(message_ids)))
    return {(unit_id, channel): url for unit_id, channel, url in session.exec(query)}


UnitOfWork = Callable[[], AbstractContextManager[Session]]

def dispatch(message_ids: list[int], *, transaction: UnitOfWork, max_attempts: int, sender: Sender,
             window: int = 1) -> DispatchReport:
    """Send the given messages. They are claimed, and their outcomes recorded, in transactions opened with
    `transaction`, none of them open while a message is on the wire, so a slow mail server holds no lock. The
    messages go in windows of `window`: one commit (one fsync) claims a window together with the outcomes of
    the one before, so each claim is on disk before its message goes out. A process killed outright leaves at
    most one window `sending` (settled as in doubt: never sent again blindly, never lost); a process being
    stopped records what it sent and releases what it did not. The contact URLs are read once for the batch.
    The flows pass the installation's window (`REFORMFLOW_DISPATCH_WINDOW`); by default, the strictest."""
    report = DispatchReport()
    with transaction() as session:
        contacts = _contact_urls(message_ids, session=session)
    outcomes: list[tuple[_Claimed, Delivery]] = []
    unsent: list[_Claimed] = []
    try:
        for start in range(0, len(message_ids), window):
            with transaction() as session:
                _record_all(outcomes, max_attempts, report, session=session)
                claims = [claimed for message_id in message_ids[start:start + window]
                          if (claimed := _claim_and_check(message_id, report, session=session)) is not None]
            outcomes, unsent = [], claims
            while unsent:
                claimed = unsent.pop(0)  # on the wire: in neither list until its outcome is known
                url = contacts.get((claimed.unit_id, claimed.channel))
                outcomes.append((claimed, _send_guarded(sender, url, claimed.outgoing)))
    except BaseException:
        # Stopped, or the ledger failed: what was sent is recorded, what never went out is queued again; a
        # message that was on the wire stays `sending`, to be settled as in doubt.
        with transaction() as session:
            _record_all(outcomes, max_attempts, report, session=session)
            _release(unsent, session=session)
        raise
    with transaction() as session:
        _record_all(outcomes, max_attempts, report, session=session)
    return report


def _send_guarded(sender: Sender, url: str | None, outgoing: OutgoingMessage) -> Delivery:
    """The sender's verdict; an exception from it fails this message only, and the batch goes on. (A process
    being stopped — SystemExit, KeyboardInterrupt — is not a failure of the message: it stays claimed and is
    settled as in doubt.) The text is the exception's type only: a sender that raised may not have scrubbed
    its message of secrets."""
    from reformflow.notifications.send import Delivery  # with the senders: not loaded by read-only commands

    if not url:
        return Delivery(False, "no contact on this channel for this unit")
    try:
        return sender(url, outgoing)
    except Exception as exc:
        return Delivery(False, f"sending failed with {type(exc).__name__}")


def _claim_and_check(message_id: int, report: DispatchReport, *, session: Session) -> _Claimed | None:
    """Claim the message, or None when it is not ours to send now (another dispatcher's, or a robot's rate
    limit reached: then it is queued again for when the robot takes it)."""
    claimed = _claim(message_id, session=session)
    if claimed is None:
        return None
    wait_until = robot_free_at(claimed.unit_id, claimed.channel, claimed.id, session=session,
                               on_the_wire_since=utcnow() - STALE_CLAIM)
    if wait_until is not None:
        session.connection().execute(update(_MESSAGES).where(_MESSAGES.c.id == message_id).values(
            state=MessageState.QUEUED, next_attempt_at=wait_until, updated_at=utcnow()))
        report.deferred.append(message_id)
        return None
    return claimed


def _outcome_statement(*columns: str) -> Update:
    return update(_MESSAGES).where(_MESSAGES.c.id == bindparam("message_id")).values(
        {name: bindparam(name) for name in ("state", "attempts", "updated_at", "last_error", *columns)})


_SENT, _DEAD, _FAILED = _outcome_statement("sent_at"), _outcome_statement(), _outcome_statement("next_attempt_at")


def _record(claimed: _Claimed, delivery: Delivery, max_attempts: int, report: DispatchReport, *,
            session: Session) -> None:
    now = utcnow()
    attempts = claimed.attempts + 1
    values = {"message_id": claimed.id, "attempts": attempts, "updated_at": now, "last_error": delivery.error}
    if delivery.ok:
        statement, values["state"], values["sent_at"] = _SENT, MessageState.SENT, now
        report.sent.append(claimed.id)
    elif attempts >= max_attempts:
        statement, values["state"] = _DEAD, MessageState.DEAD
        report.dead.append((claimed.id, delivery.error or ""))
    else:
        statement, values["state"] = _FAILED, MessageState.FAILED
        values["next_attempt_at"] = now + timedelta(minutes=2 ** attempts)
        report.failed.append((claimed.id, delivery.error or ""))
    session.connection().execute(statement, values)


def _record_all(outcomes: list[tuple[_Claimed, Delivery]], max_attempts: int, report: DispatchReport, *,
                session: Session) -> None:
    for claimed, delivery in outcomes:
        _record(claimed, delivery, max_attempts, report, session=session)


def _release(claims: list[_Claimed], *, session: Session) -> None:
    """Claimed messages that never went on the wire: queued again, as they were."""
    if claims:
        session.connection().execute(
            update(_MESSAGES).where(_MESSAGES.c.id.in_([c.id for c in claims]),
                                    _MESSAGES.c.state == MessageState.SENDING)
            .values(state=MessageState.QUEUED, updated_at=utcnow()))


REQUEUEABLE = (MessageState.DEAD, MessageState.IN_DOUBT)


def requeue(*, session: Session, state: str = MessageState.DEAD, ids: list[int] | None = None) -> int:
    """The office sends dead or in-doubt messages again (after fixing a contact, or checking with the unit):
    the given ids when they are dead or in doubt, else every message in `state`."""
    query = select(Message)
    query = query.where(Message.id.in_(ids), Message.state.in_(REQUEUEABLE)) if ids else query.where(
        Message.state == state)
    messages = list(session.exec(query))
    for message in messages:
        message.state, message.attempts, message.next_attempt_at = MessageState.QUEUED, 0, utcnow()
        session.add(message)
    return len(messages)
