"""E-mail dispatch through the outbox against a plain smtplib loop, in the same run, to a local SMTP server.

    python -m bench.dispatch [--messages 500] [--repeat 3] [--database-url URL]

500 reminder digests (the real template, 8 tasks each) for 500 units, each unit its own address on one local
aiosmtpd server. Measured: the outbox as the flows run it (claim, send, record: batches of 50, claimed in
windows of `settings.dispatch_window` messages a commit, one pooled SMTP connection per batch) on 1 and 4
threads; the same with one message claimed per commit (window 1); the same outbox sending through Apprise
one connection per message (the way before); and the baseline, a plain smtplib loop over one connection
building the same messages with `email`, with no outbox, no retries, no per-message record. Wall clock and
the CPU time of this process (the SMTP server runs in it too, in both the outbox and the baseline).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import apprise
from aiosmtpd.controller import Controller
from sqlalchemy import insert, update
from sqlmodel import select

from bench.remind import reset_database
from bench.remind import smtplib_loop as plain_smtplib_loop
from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.office import sender
from reformflow.models import Contact, Message, Unit
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import dispatch, due_message_ids
from reformflow.notifications.render import render_message
from reformflow.notifications.send import Delivery

AS_OF = date(2020, 6, 23)
BATCH = 50


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def digest(unit: str) -> OutgoingMessage:
    tasks = [SimpleNamespace(document="全省改革任务清单", code=str(n), title=f"第{n}项改革任务：推进政务服务一网通办",
                             milestone=None, role="lead" if n % 3 == 0 else "co", deadline=AS_OF + timedelta(days=n),
                             days_left=n - 2) for n in range(8)]
    return render_message("reminder.html.j2", digest=SimpleNamespace(unit=SimpleNamespace(name=unit), tasks=tasks,
                                                                     first=tasks[:2],
                                                                     by_document=lambda: [(tasks[0].document, tasks)]),
                          as_of=AS_OF, office_name="改革办", link=f"https://reform.example.gov.cn/r/{unit}")


def build_outbox(messages: int, port: int) -> list[int]:
    with db.transaction(settings.office) as session:
        session.execute(insert(Unit), [{"name": f"单位{n:03d}", "slug": f"u{n:03d}", "is_office": False,
                                        "is_leader": False} for n in range(messages)])
        units = list(session.exec(select(Unit)))
        session.execute(insert(Contact), [{"unit_id": u.id, "channel": "email", "url": f"mailto://127.0.0.1:{port}/"
                                           f"?from=office@example.gov.cn&to={u.slug}@example.gov.cn"} for u in units])
        rows = []
        for unit in units:
            message = digest(unit.name)
            rows.append({"idempotency_key": f"reminder:{unit.slug}:{AS_OF}:email", "unit_id": unit.id,
                         "kind": "reminder", "channel": "email", "subject": message.subject, "body": message.body,
                         "body_format": "html", "attachments": []})
        session.execute(insert(Message), rows)
        return due_message_ids(session=session, limit=messages)


def apprise_per_message(url: str, message: OutgoingMessage) -> Delivery:
    """The way before: one Apprise object, one connection and one TLS context per message."""
    notifier = apprise.Apprise()
    notifier.add(url)
    return Delivery(bool(notifier.notify(body=message.body, title=message.subject,
                                         body_format=apprise.NotifyFormat.HTML)))


def through_outbox(ids: list[int], workers: int, make_sender: Callable[[], Callable],
                   window: int = settings.dispatch_window) -> tuple[float, float]:
    def batch(chunk: list[int]) -> int:
        with make_sender() as send:
            return len(dispatch(chunk, transaction=partial(db.transaction, settings.office), max_attempts=3,
                                sender=send, window=window).sent)

    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(workers) as pool:
        sent = sum(pool.map(batch, [ids[n:n + BATCH] for n in range(0, len(ids), BATCH)]))
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    assert sent == len(ids), f"{sent} of {len(ids)} sent"
    with db.transaction(settings.office) as session:  # the next measurement sends them all again
        session.execute(update(Message).values(state="queued", attempts=0, sent_at=None))
    return elapsed


class _PlainApprise:
    def __enter__(self):
        return apprise_per_message

    def __exit__(self, *_):
        return None


def smtplib_loop(ids: list[int], port: int) -> tuple[float, float]:
    """The baseline of bench.remind, on these messages: read first, so only the sending is timed."""
    with db.transaction(settings.office) as session:
        messages = list(session.exec(select(Message).where(Message.id.in_(ids))))
    cpu = time.process_time()
    return plain_smtplib_loop(messages, port), time.process_time() - cpu


def run_once(messages: int, port: int, database_url: str | None) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), database_url
        if database_url:
            reset_database(database_url)
        db._engine_for.cache_clear()
        ids = build_outbox(messages, port)
        courier = partial(sender, settings.office)
        return {"outbox, pooled SMTP, 1 thread": through_outbox(ids, 1, courier),
                "outbox, pooled SMTP, 4 threads": through_outbox(ids, 4, courier),
                "outbox, pooled SMTP, 1 thread, one message a commit (window 1)": through_outbox(ids, 1, courier, 1),
                "outbox, Apprise per message (before), 1 thread": through_outbox(ids, 1, _PlainApprise),
                "plain smtplib loop, one connection (baseline)": smtplib_loop(ids, port)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL to use (its public schema is emptied); default SQLite")
    args = parser.parse_args()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=9025 + int(time.time()) % 1000)
    controller.start()
    try:
        runs = [run_once(args.messages, controller.port, args.database_url) for _ in range(args.repeat)]
    finally:
        controller.stop()
    baseline = statistics.median(run["plain smtplib loop, one connection (baseline)"][0] for run in runs)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.messages} e-mails to a local aiosmtpd server, outbox on {backend}, {args.repeat} runs\n")
    print("| dispatch | min | median | CPU (median) | per message | messages/s | of smtplib's rate |\n"
          "|---|---|---|---|---|---|---|")
    for label in runs[0]:
        values = [run[label][0] for run in runs]
        median, cpu = statistics.median(values), statistics.median(run[label][1] for run in runs)
        print(f"| {label} | {min(values):.2f} s | {median:.2f} s | {cpu:.2f} s | "
              f"{median / args.messages * 1000:.1f} ms | {args.messages / median:,.0f} | {baseline / median:.0%} |")


if __name__ == "__main__":
    main()
