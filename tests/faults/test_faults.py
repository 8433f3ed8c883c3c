"""Fault injection. Each test states its fault and checks: no duplicate message, no lost message or report,
and the failure visible to the office."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.models import Contact, Message
from reformflow.notifications import outbox
from reformflow.notifications.outbox import due_message_ids, requeue, settle_stale_claims
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from tests.conftest import free_port
from tests.factories import deliver, ledger, links, new_session, task

POLICY = ReminderPolicy(WorkingCalendar())
DAY = date(2020, 6, 23)


def mail(port: int, n: int) -> list[tuple[str, str]]:
    return [("email", f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=u{n}@example.gov.cn")]


def build(session, tmp_path, port: int, units: int = 5):
    names = [f"单位{n}" for n in range(units)]
    ledger(session, tmp_path, [task(str(n + 1), [name], deadline=DAY + timedelta(days=3)) for n, name in
                               enumerate(names)], units={name: mail(port, n) for n, name in enumerate(names)})
    queue_reminders(DAY, session=session, policy=POLICY, links=links())
    session.commit()  # the queued messages are what another process or transaction delivers
    return due_message_ids(session=session)


def states(session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in session.exec(select(Message)):
        counts[message.state] = counts.get(message.state, 0) + 1
    return counts


def test_smtp_down_then_back(session, tmp_path, smtp_server):
    """Fault: nothing listens on the SMTP port. Nothing is lost: every message waits to be retried, with the
    reason recorded; once the server is up each goes out exactly once."""
    mailbox, port = smtp_server
    down = free_port()
    ids = build(session, tmp_path, down)
    report = deliver(ids, session=session, max_attempts=5)
    assert len(report.failed) == len(ids) and all("127.0.0.1" in error for _, error in report.failed)
    assert states(session) == {"failed": len(ids)}
    for message in session.exec(select(Message)):  # the server comes back at the same address
        message.body, message.next_attempt_at = message.body, message.created_at
        session.add(message)
    session.commit()
    from reformflow.models import Contact

    for contact in session.exec(select(Contact).where(Contact.channel == "email")):
        contact.url = contact.url.replace(f":{down}/", f":{port}/")
        session.add(contact)
    session.commit()
    assert len(deliver(due_message_ids(session=session), session=session, max_attempts=5).sent) == len(ids)
    assert len(mailbox.messages) == len(ids) and states(session) == {"sent": len(ids)}


def test_a_slow_smtp_server_still_gets_each_message_once(session, tmp_path, smtp_server):
    """Fault: the server takes a second per message. Slow, but complete and without repeats."""
    mailbox, port = smtp_server
    original = mailbox.handle_DATA

    async def slow(server, session_, envelope):
        import asyncio

        await asyncio.sleep(1)
        return await original(server, session_, envelope)

    mailbox.handle_DATA = slow
    ids = build(session, tmp_path, port, units=3)
    assert len(deliver(ids, session=session, max_attempts=3).sent) == 3
    assert sorted(r for _, rcpt, _ in mailbox.messages for r in rcpt) == [f"u{n}@example.gov.cn" for n in range(3)]


def test_the_database_locked_by_another_writer(tmp_path, smtp_server, monkeypatch, data_dir):
    """Fault: another process holds SQLite's write lock past the busy timeout. The sweep fails loudly and
    writes nothing; run again once the lock is gone, it queues every message once."""

    _, port = smtp_server
    monkeypatch.setattr(settings, "sqlite_busy_timeout_ms", 200)  # before the engine exists
    names = ["甲局", "乙局"]
    with new_session() as setup:
        ledger(setup, tmp_path, [task(str(n + 1), [name], deadline=DAY + timedelta(days=3))
                                 for n, name in enumerate(names)],
               units={name: mail(port, n) for n, name in enumerate(names)})
    blocker = sqlite3.connect(data_dir / "reformflow.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with new_session() as locked, pytest.raises(OperationalError, match="database is locked"):
        queue_reminders(DAY, session=locked, policy=POLICY, links=links())
    blocker.execute("ROLLBACK")
    blocker.close()
    with new_session() as fresh:
        assert fresh.exec(select(Message)).all() == []  # nothing half-written
        assert len(queue_reminders(DAY, session=fresh, policy=POLICY, links=links()).queued) == 2
        assert queue_reminders(DAY, session=fresh, policy=POLICY, links=links()).queued == []


CHILD = textwrap.dedent("""
    from functools import partial
    from reformflow.core import db
    from reformflow.flows.office import sender
    from reformflow.notifications.outbox import dispatch, due_message_ids
    with db.transaction("shenzhen") as session:
        ids = due_message_ids(session=session)
    with sender("shenzhen") as courier:
        dispatch(ids, transaction=partial(db.transaction, "shenzhen"), max_attempts=3, sender=courier,
                 window=WINDOW)
""")
WINDOWS = [1, settings.dispatch_window]  # one message claimed per commit, and the installation's default


def after_a_kill(on_the_wire: int, total: int, window: int) -> dict[str, int]:
    """The ledger after a kill while message number `on_the_wire` (from 0) was out: the windows before it
    recorded (with the claim of its window), its window `sending`, the rest queued."""
    sent = on_the_wire // window * window
    sending = min(window, total - sent)
    return counts(sent=sent, sending=sending, queued=total - sent - sending)


def counts(**states: int) -> dict[str, int]:
    return {state: n for state, n in states.items() if n}


def office_requeues_what_did_not_arrive(session, doubtful: list[int], mailbox) -> None:
    """What the in-doubt hint asks of the office: check with each unit, send again only what did not arrive."""
    arrived = {r for _, rcpts, _ in mailbox.messages for r in rcpts}
    urls = {message_id: url for message_id, url in session.exec(select(Message.id, Contact.url).join(
        Contact, (Contact.unit_id == Message.unit_id) & (Contact.channel == Message.channel)))}
    missing = [i for i in doubtful if not any(f"to={address}" in urls[i] for address in arrived)]
    if missing:
        requeue(session=session, ids=missing)


@pytest.mark.parametrize("window", WINDOWS)
def test_sigkill_mid_dispatch_and_restart(session, tmp_path, smtp_server, monkeypatch, data_dir, window):
    """Fault: the sending process is killed with SIGKILL while the third message is on the wire. After a
    restart nobody gets a message twice; the messages claimed and not recorded (the one in flight, or its
    window) are `in_doubt`, visible, and sent when the office says so; none is lost."""
    mailbox, port = smtp_server
    original, arrived = mailbox.handle_DATA, []

    async def hangs_on_the_third(server, session_, envelope):
        import asyncio

        arrived.append(envelope.rcpt_tos[0])
        if len(arrived) == 3:
            await asyncio.sleep(60)  # the child is killed meanwhile
        return await original(server, session_, envelope)

    mailbox.handle_DATA = hangs_on_the_third
    ids = build(session, tmp_path, port)
    child = subprocess.Popen([sys.executable, "-c", CHILD.replace("WINDOW", str(window))],
                             env={**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir.parent)})
    deadline = time.monotonic() + 30
    while len(arrived) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    mailbox.handle_DATA = original
    session.expire_all()
    expected = after_a_kill(2, len(ids), window)
    assert states(session) == expected
    monkeypatch.setattr(outbox, "STALE_CLAIM", timedelta(0))
    doubtful = settle_stale_claims(session=session, office="shenzhen")
    assert len(doubtful) == expected["sending"]
    assert len(deliver(due_message_ids(session=session), session=session, max_attempts=3).sent) == expected.get(
        "queued", 0)
    assert states(session) == counts(sent=len(ids) - len(doubtful), in_doubt=len(doubtful))
    assert len(mailbox.messages) == 2 + expected.get("queued", 0)  # the killed send never completed
    office_requeues_what_did_not_arrive(session, doubtful, mailbox)
    deliver(due_message_ids(session=session), session=session, max_attempts=3)
    recipients = [r for _, rcpt, _ in mailbox.messages for r in rcpt]
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == len(ids)


@pytest.mark.parametrize(("status", "answer"), [(429, None), (500, None), (200, {"errcode": 45009, "errmsg": "freq"})])
def test_chat_robot_faults_are_retried_and_visible(session, tmp_path, httpserver, status, answer):
    """Fault: the WeCom robot answers 429, 500, or 200 with a rate-limit errcode. The message is kept with
    the reason, retried later, and sent once when the robot recovers."""
    url = f"wecombot://KEY?base={httpserver.url_for('/').rstrip('/')}"
    ledger(session, tmp_path, [task("1", ["市公安局"], deadline=DAY + timedelta(days=3))],
           units={"市公安局": [("wecom", url)]})
    queue_reminders(DAY, session=session, policy=POLICY, links=links())
    if answer is None:
        httpserver.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_data("busy", status=status)
    else:
        httpserver.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_json(answer)
    report = deliver(due_message_ids(session=session), session=session, max_attempts=3)
    assert len(report.failed) == 1 and ("HTTP" in report.failed[0][1] or "errcode 45009" in report.failed[0][1])
    message = session.exec(select(Message)).one()
    assert message.state == "failed" and message.last_error
    httpserver.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_json({"errcode": 0, "errmsg": "ok"})
    message.next_attempt_at = message.created_at
    session.add(message)
    session.commit()
    assert len(deliver(due_message_ids(session=session), session=session, max_attempts=3).sent) == 1
    assert len(httpserver.log) == 2


@pytest.mark.parametrize("window", WINDOWS)
def test_killed_after_the_server_accepted_before_recording_it(session, tmp_path, smtp_server, monkeypatch, data_dir,
                                                              window):
    """Fault: the SMTP server accepts the third message (250), then the sender is killed before it records
    the fact (here: held on the ledger's write lock, then SIGKILL; in a window of five or more, all five have
    gone out when it first needs the ledger). The messages did arrive; the outbox cannot know it. They become
    `in_doubt` with the command that re-sends them, and no sweep sends them again on their own: every
    recipient has exactly one copy."""
    mailbox, port = smtp_server
    original, ledger_lock = mailbox.handle_DATA, sqlite3.connect(data_dir / "reformflow.db", isolation_level=None,
                                                                 check_same_thread=False)

    async def accept_then_hold_the_ledger(server, session_, envelope):
        answer = await original(server, session_, envelope)
        if len(mailbox.messages) == 3:
            ledger_lock.execute("BEGIN IMMEDIATE")  # the sender cannot record the 250 it is about to read
        return answer

    mailbox.handle_DATA = accept_then_hold_the_ledger
    ids = build(session, tmp_path, port)
    child = subprocess.Popen([sys.executable, "-c", CHILD.replace("WINDOW", str(window))],
                             env={**os.environ, "REFORMFLOW_DATA_DIR": str(data_dir.parent)})
    expected = after_a_kill(2, len(ids), window)
    went_out = expected.get("sent", 0) + expected["sending"]  # it first needs the ledger after its window
    deadline = time.monotonic() + 60
    while len(mailbox.messages) < went_out and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)  # the 250 is read; the sender waits on the lock to record it
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    ledger_lock.execute("ROLLBACK")
    ledger_lock.close()
    mailbox.handle_DATA = original
    session.expire_all()
    accepted = session.exec(select(Message).where(Message.state == "sending")).all()
    assert states(session) == expected and len(mailbox.messages) == went_out
    monkeypatch.setattr(outbox, "STALE_CLAIM", timedelta(0))
    assert settle_stale_claims(session=session, office="shenzhen") == [m.id for m in accepted]
    for _ in range(2):  # later sweeps deliver the rest and leave the doubtful ones to the office
        deliver(due_message_ids(session=session), session=session, max_attempts=3)
        settle_stale_claims(session=session, office="shenzhen")
    assert states(session) == counts(sent=len(ids) - len(accepted), in_doubt=len(accepted))
    for message in accepted:
        session.refresh(message)
        assert f"reformflow --office shenzhen outbox requeue {message.id}" in message.last_error
    office_requeues_what_did_not_arrive(session, [m.id for m in accepted], mailbox)
    deliver(due_message_ids(session=session), session=session, max_attempts=3)
    recipients = [r for _, rcpt, _ in mailbox.messages for r in rcpt]
    assert len(recipients) == len(ids) and sorted(recipients) == sorted(set(recipients))
