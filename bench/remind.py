"""Reminder planning and dispatch for a province-sized ledger, against a local SMTP server.

    python -m bench.remind [--tasks 20000] [--units 500] [--repeat 3]

Planning: queue_reminders over the whole ledger (one digest per unit). Dispatch: the outbox sending those
digests (one pooled SMTP connection per batch), against a plain smtplib loop that sends the same messages over
one connection (no outbox, no retries, no per-recipient failure record). `python -m bench.dispatch` measures
dispatch alone.
"""

from __future__ import annotations

import smtplib
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import insert, select, update

from bench.common import province_arguments
from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.core.settings import settings
from reformflow.flows.office import report_links, sender
from reformflow.models import Assignment, Contact, Document, Message, Task, Unit
from reformflow.notifications.outbox import dispatch, due_message_ids
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders

AS_OF = date(2020, 6, 23)


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def build_ledger(tasks: int, units: int, port: int) -> None:
    """Written with plain executemany (no ReformFlow code), so that the same ledger can be built for the code
    before the set-based rewrite (bench.before_after)."""
    with db.transaction(settings.office) as session:
        connection = session.connection()
        connection.execute(insert(Unit.__table__), [{"name": "改革办", "slug": "reform-office", "is_office": True,
                                                     "is_leader": False}])
        connection.execute(insert(Document.__table__), [{"source": "province.txt", "title": "全省改革任务清单",
                                                         "sha256": "x", "revision": 1, "issued_on": date(2020, 1, 1),
                                                         "imported_at": datetime(2020, 1, 1, tzinfo=UTC)}])
        document_id = connection.execute(select(Document.id)).scalar_one()
        connection.execute(insert(Unit.__table__), [{"name": f"单位{n:03d}", "slug": f"u{n:03d}", "is_office": False,
                                                     "is_leader": False} for n in range(units)])
        ids = list(connection.execute(select(Unit.id).where(Unit.is_office.is_(False)).order_by(Unit.id)).scalars())
        connection.execute(insert(Contact.__table__), [
            {"unit_id": i, "channel": "email", "url": f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn"
                                                      f"&to=u{i}@example.gov.cn"} for i in ids])
        now = datetime(2020, 1, 1, tzinfo=UTC)
        connection.execute(insert(Task.__table__), [{
            "document_id": document_id, "code": str(n), "title": f"任务{n}", "text": f"第{n}项改革任务。",
            "original_text": "", "deadline": AS_OF + timedelta(days=n % 60 - 20), "status": "not_started",
            "progress": 0, "stage": "assigned", "lead_mentions": [], "co_mentions": [], "milestones": [],
            "doubts": [], "confidence": 1.0, "updated_at": now} for n in range(tasks)])
        task_ids = list(connection.execute(select(Task.id).order_by(Task.id)).scalars())
        connection.execute(insert(Assignment.__table__), [
            {"task_id": t, "unit_id": ids[(k + r) % len(ids)], "role": "lead" if r == 0 else "co", "mention": ""}
            for k, t in enumerate(task_ids) for r in range(3)])
    analyze()


def analyze() -> None:
    """Table statistics after a bulk load, as autovacuum gathers them on a running server (this machine's has
    autovacuum off): without them PostgreSQL plans the sweep's join as nested loops over a 'tiny' table."""
    with db.transaction(settings.office) as session:
        if session.connection().dialect.name == "postgresql":
            session.connection().exec_driver_sql("ANALYZE")


def smtplib_loop(messages: list[Message], port: int) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for message in messages:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = "office@example.gov.cn", "u@example.gov.cn", message.subject
            email.set_content(message.body, subtype="html")
            smtp.send_message(email)
    return time.perf_counter() - start


def reset_database(url: str) -> None:
    """An empty database for a run: PostgreSQL keeps its tables between runs (the database is created the
    first time, from the server's `postgres` database), SQLite gets a new file."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": target.database}).first():
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        server.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    db._engine_for.cache_clear()


def run_once(tasks: int, units: int, port: int, database_url: str | None = None
             ) -> tuple[float, float, float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), database_url
        if database_url:
            reset_database(database_url)
        build_ledger(tasks, units, port)
        policy = ReminderPolicy(WorkingCalendar())
        with db.transaction(settings.office) as session:
            start = time.perf_counter()
            plan = queue_reminders(AS_OF, session=session, policy=policy, links=report_links(settings.office))
            planning = time.perf_counter() - start
            ids = due_message_ids(session=session, limit=100_000)
            messages = list(session.scalars(select(Message).where(Message.id.in_(ids))))
        start = time.perf_counter()
        sent = parallel_dispatch(ids, workers=1)
        outbox = time.perf_counter() - start
        assert sent == len(plan.queued)
        ids = requeue_all()
        start = time.perf_counter()
        assert parallel_dispatch(ids, workers=4) == len(ids)
        parallel = time.perf_counter() - start
        return planning, outbox, parallel, smtplib_loop(messages, port), len(ids)


def parallel_dispatch(ids: list[int], workers: int) -> int:
    """Batches of 50 on `workers` threads, as the flows' thread pool runs them."""
    batches = [ids[n:n + 50] for n in range(0, len(ids), 50)]

    def run(batch: list[int]) -> int:
        with sender(settings.office) as courier:
            return len(dispatch(batch, transaction=partial(db.transaction, settings.office), max_attempts=3,
                                sender=courier, window=settings.dispatch_window).sent)

    with ThreadPoolExecutor(workers) as pool:
        return sum(pool.map(run, batches))


def requeue_all() -> list[int]:
    with db.transaction(settings.office) as session:
        session.execute(update(Message).values(state="queued", attempts=0, sent_at=None))
        return due_message_ids(session=session, limit=100_000)


def main() -> None:
    parser = province_arguments()
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/reformflow_bench "
                                               "(its public schema is emptied); default: SQLite in a temp dir")
    args = parser.parse_args()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=8025 + int(time.time()) % 1000)
    controller.start()
    try:
        runs = [run_once(args.tasks, args.units, controller.port, args.database_url) for _ in range(args.repeat)]
    finally:
        controller.stop()
    messages = runs[0][4]
    print(f"{args.tasks} tasks, {args.units} units, {args.tasks * 3} assignments: {messages} digests per sweep\n")
    print("| step | min | median | per message |\n|---|---|---|---|")
    backend = "PostgreSQL" if args.database_url else "SQLite"
    for label, index in ((f"plan and queue ({backend})", 0), ("dispatch through the outbox, 1 thread", 1),
                         ("dispatch through the outbox, 4 threads", 2), ("plain smtplib loop, one connection", 3)):
        values = [run[index] for run in runs]
        print(f"| {label} | {min(values):.2f} s | {statistics.median(values):.2f} s | "
              f"{statistics.median(values) / messages * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
