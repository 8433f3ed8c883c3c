"""The outbox against a real SMTP server: exactly one message per key, failures retried, then dead."""

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from reformflow.models import Message, Unit, utcnow
from reformflow.notifications import outbox
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import due_message_ids, enqueue, requeue, settle_stale_claims
from reformflow.notifications.send import send
from reformflow.supervision.units.assignment import sync_units
from reformflow.supervision.units.directory import load_directory
from tests.factories import deliver, directory_file, new_session


@pytest.fixture
def units(session, tmp_path, smtp_server):
    _, port = smtp_server
    names = [f"单位{i}" for i in range(6)]
    contacts = {name: [("email", f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=u{i}@example.gov.cn")]
                for i, name in enumerate(names)}
    directory = load_directory(directory_file(tmp_path / "d.yaml", contacts))
    synced = sync_units(directory, session=session)
    session.commit()
    return [synced[name] for name in names]


def queue_all(session, units: list[Unit]) -> None:
    for unit in units:
        enqueue(f"reminder:{unit.slug}:2020-06-23:email", unit, "reminder", "email",
                OutgoingMessage(f"提醒 {unit.name}", "正文"), session=session)
    session.commit()


def send_all(session) -> outbox.DispatchReport:
    return deliver(due_message_ids(session=session), session=session, max_attempts=3)


def test_a_key_is_queued_once(session, units):
    queue_all(session, units)
    queue_all(session, units)
    assert len(session.exec(select(Message)).all()) == len(units)


def test_each_message_is_delivered_once(session, units, smtp_server):
    mailbox, _ = smtp_server
    queue_all(session, units)
    assert len(send_all(session).sent) == len(units)
    assert send_all(session).sent == []
    assert sorted(r for _, rcpts, _ in mailbox.messages for r in rcpts) == [f"u{i}@example.gov.cn" for i in range(6)]


def test_refusals_are_retried_with_backoff_then_dead_and_can_be_requeued(session, units, smtp_server):
    mailbox, _ = smtp_server
    mailbox.refuse = True
    queue_all(session, units[:1])
    report = send_all(session)
    message = session.exec(select(Message)).one()
    assert (len(report.failed), message.state, message.attempts) == (1, "failed", 1)
    assert message.last_error and message.next_attempt_at > utcnow()
    assert due_message_ids(session=session) == []  # backing off
    for _ in range(2):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        session.add(message)
        session.commit()
        send_all(session)
    session.refresh(message)
    assert (message.state, message.attempts) == ("dead", 3)
    mailbox.refuse = False
    assert requeue(session=session) == 1
    assert len(send_all(session).sent) == 1 and len(mailbox.messages) == 1


def test_two_dispatchers_at_once_send_each_message_once(session, units, smtp_server):
    mailbox, _ = smtp_server
    queue_all(session, units)
    ids = due_message_ids(session=session)

    def run():
        with new_session() as own:
            deliver(ids, session=own, max_attempts=3)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(mailbox.messages) == len(units)
    assert {m.state for m in session.exec(select(Message))} == {"sent"}


def test_a_crash_mid_batch_loses_nothing(session, units, smtp_server, monkeypatch):
    mailbox, _ = smtp_server
    queue_all(session, units)
    calls = []

    def dies_on_the_third(url, message):
        calls.append(url)
        if len(calls) == 3:
            raise SystemExit("killed")
        return send(url, message)

    with pytest.raises(SystemExit):
        deliver(due_message_ids(session=session), session=session, max_attempts=3, sender=dies_on_the_third)
    session.rollback()
    assert len(mailbox.messages) == 2
    assert len(send_all(session).sent) == 3  # the rest
    in_flight = session.exec(select(Message).where(Message.state == "sending")).one()
    monkeypatch.setattr(outbox, "STALE_CLAIM", timedelta(seconds=0))
    assert settle_stale_claims(session=session, office="shenzhen") == [in_flight.id]  # not re-sent blindly: in doubt
    assert send_all(session).sent == [] and len(mailbox.messages) == 5
    session.refresh(in_flight)
    assert in_flight.state == "in_doubt"
    assert f"reformflow --office shenzhen outbox requeue {in_flight.id}" in in_flight.last_error
    assert requeue(session=session, ids=[in_flight.id]) == 1  # the office checked: the hint's command sends it
    assert send_all(session).sent == [in_flight.id]
    assert len(mailbox.messages) == len(units)


def queue_for_police_robot(count: int, *, session, tmp_path, httpserver) -> None:
    """市公安局 reached by a WeCom robot served by `httpserver`, with `count` reminders queued and committed."""
    url = f"wecombot://KEY?base={httpserver.url_for('/').rstrip('/')}"
    directory = load_directory(directory_file(tmp_path / "robots.yaml", {"市公安局": [("wecom", url)]}))
    unit = sync_units(directory, session=session)["市公安局"]
    for n in range(count):
        enqueue(f"reminder:police:{n}:wecom", unit, "reminder", "wecom", OutgoingMessage(f"提醒{n}", "正文"),
                session=session)
    session.commit()


def test_a_robots_rate_limit_holds_messages_back_without_losing_them(session, tmp_path, httpserver):
    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_json({"errcode": 0, "errmsg": "ok"})
    queue_for_police_robot(25, session=session, tmp_path=tmp_path, httpserver=httpserver)
    report = send_all(session)
    assert (len(report.sent), len(report.deferred)) == (20, 5)
    assert len(httpserver.log) == 20
    waiting = session.exec(select(Message).where(Message.state == "queued")).all()
    assert len(waiting) == 5 and all(m.attempts == 0 and m.next_attempt_at > utcnow() for m in waiting)


def test_a_send_that_raises_fails_that_message_only_and_the_batch_goes_on(session, units, smtp_server):
    """A sender raising something other than ValueError used to leave its message `sending` (later `in_doubt`
    though never sent) and abandon the rest of the batch."""
    mailbox, _ = smtp_server
    queue_all(session, units[:3])

    def breaks_on_the_second(url, message):
        if "u1@" in url:
            raise KeyError("template variable")
        return send(url, message)

    report = deliver(due_message_ids(session=session), session=session, max_attempts=3, sender=breaks_on_the_second)
    assert (len(report.sent), len(report.failed)) == (2, 1) and "KeyError" in report.failed[0][1]
    states = {m.idempotency_key.split(":")[1]: (m.state, m.attempts) for m in session.exec(select(Message))}
    assert states == {"unit-1": ("sent", 1), "unit-2": ("failed", 1), "unit-3": ("sent", 1)}
    assert len(mailbox.messages) == 2


def test_only_dead_or_in_doubt_messages_are_requeued_by_id(session, units, smtp_server):
    queue_all(session, units[:2])
    assert len(send_all(session).sent) == 2
    sent = session.exec(select(Message)).first()
    assert requeue(session=session, ids=[sent.id]) == 0  # delivered: the office cannot send it twice by mistake


def test_batches_side_by_side_never_exceed_a_robots_rate_limit(session, tmp_path, httpserver):
    """Two batches send to one robot at once. The rate-limit check and the claim are one reservation: however
    the batches interleave, the robot gets 20 messages in its minute and the rest wait, none lost."""
    import time

    from werkzeug import Response

    def slow_ok(request):
        time.sleep(0.02)  # a message stays on the wire while the other batch claims
        return Response('{"errcode": 0, "errmsg": "ok"}', content_type="application/json")

    httpserver.expect_request("/cgi-bin/webhook/send").respond_with_handler(slow_ok)
    queue_for_police_robot(30, session=session, tmp_path=tmp_path, httpserver=httpserver)
    ids = due_message_ids(session=session)
    reports = []

    def run(batch):
        with new_session() as own:
            reports.append(deliver(batch, session=own, max_attempts=3))

    workers = [threading.Thread(target=run, args=(ids[start::2],)) for start in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(httpserver.log) == 20 and sum(len(r.sent) for r in reports) == 20
    assert sum(len(r.deferred) for r in reports) == 10
    assert {m.state for m in session.exec(select(Message))} == {"sent", "queued"}
