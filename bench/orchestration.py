"""What Prefect costs per message: the outbox's batches against one Prefect task run per message.

    python -m bench.orchestration [--messages 300] [--repeat 3]

Both flows send the same messages to the local outbox channel on an ephemeral Prefect server; the difference
is the orchestration (task runs, states, logs), not the sending.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_batch
from reformflow.flows.office import sender
from reformflow.models import Contact, Message, Unit
from reformflow.notifications.message import OutgoingMessage
from reformflow.notifications.outbox import dispatch, due_message_ids, enqueue


def queue(messages: int) -> list[int]:
    with db.transaction(settings.office) as session:
        unit = Unit(name="基准单位", slug="bench")
        session.add(unit)
        session.flush()
        session.add(Contact(unit_id=unit.id, channel="outbox", url="outbox://bench"))
        for n in range(messages):
            enqueue(f"bench:{n}", unit, "reminder", "outbox", OutgoingMessage(f"提醒 {n}", f"正文 {n}"),
                    session=session)
        return due_message_ids(session=session, limit=messages)


@task(name="send-one", cache_policy=NO_CACHE)
def send_one(message_id: int) -> int:
    return len(dispatch([message_id], transaction=partial(db.transaction, settings.office), max_attempts=3,
                        sender=sender(settings.office)).sent)


@flow(name="bench-per-message")
def per_message(ids: list[int]) -> int:
    return sum(send_one(i) for i in ids)


@flow(name="bench-batched")
def batched(ids: list[int]) -> int:
    futures = [deliver_batch.submit(settings.office, ids[n:n + 50]) for n in range(0, len(ids), 50)]
    return sum(len(f.result().sent) for f in futures)


def timed(run, messages: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        settings.data_dir, settings.database_url = Path(folder), None
        ids = queue(messages)
        start = time.perf_counter()
        sent = run(ids)
        elapsed = time.perf_counter() - start
        with db.transaction(settings.office) as session:
            assert sent == messages == len(session.exec(select(Message).where(Message.state == "sent")).all())
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    batched([])  # start the ephemeral server before timing anything
    results = {"batches of 50 (the outbox's way)": [timed(batched, args.messages) for _ in range(args.repeat)],
               "one task run per message": [timed(per_message, args.messages) for _ in range(args.repeat)]}
    print(f"{args.messages} messages to the local outbox, {args.repeat} runs\n")
    print("| orchestration | min | median | per message |\n|---|---|---|---|")
    for label, runs in results.items():
        print(f"| {label} | {min(runs):.2f} s | {statistics.median(runs):.2f} s | "
              f"{statistics.median(runs) / args.messages * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
