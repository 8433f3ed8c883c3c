"""What Prefect costs per message: the outbox's batches (of several sizes) against one Prefect task run per
message and against no Prefect at all.

    python -m bench.orchestration [--messages 300] [--repeat 2] [--sizes 10,25,50,100]

Every variant sends the same messages to the local outbox channel, the flows on an ephemeral Prefect server; the
difference is the orchestration (task runs, states, logs, one event per delivered message), not the sending. The
overhead of a variant is its time less the no-Prefect baseline's, measured in the same run; the batch size the
flows use (`flows.common.BATCH_SIZE`) is the smallest whose overhead per message is at most a twentieth of a
task run per message, so that slow mail servers still get batches side by side.
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
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")  # a busy machine starts it slowly
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="reformflow-bench-prefect-"))

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.common import BATCH_SIZE, deliver_batch
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
    with sender(settings.office) as courier:
        return len(dispatch([message_id], transaction=partial(db.transaction, settings.office), max_attempts=3,
                            sender=courier).sent)


@flow(name="bench-per-message")
def per_message(ids: list[int]) -> int:
    return sum(send_one(i) for i in ids)


@flow(name="bench-batched")
def batched(ids: list[int], size: int = BATCH_SIZE) -> int:
    futures = [deliver_batch.submit(settings.office, ids[n:n + size]) for n in range(0, len(ids), size)]
    return sum(len(f.result().sent) for f in futures)


def without_prefect(ids: list[int]) -> int:
    """The baseline: the same dispatch, in one loop, no flow, no task runs, no events."""
    with sender(settings.office) as courier:
        return len(dispatch(ids, transaction=partial(db.transaction, settings.office), max_attempts=3,
                            sender=courier, window=settings.dispatch_window).sent)


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
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--sizes", default="10,25,50,100", help="batch sizes to measure")
    args = parser.parse_args()
    batched([])  # start the ephemeral server before timing anything
    sizes = [int(size) for size in args.sizes.split(",")]
    variants = {"no Prefect: one dispatch loop (baseline)": without_prefect,
                **{f"batches of {size}": (lambda ids, size=size: batched(ids, size)) for size in sizes},
                "one task run per message": per_message}
    # Interleaved, so that a moment of load on the shared machine does not fall on one variant only.
    results: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(args.repeat):
        for label, run in variants.items():
            results[label].append(timed(run, args.messages))
    baseline = statistics.median(results["no Prefect: one dispatch loop (baseline)"])
    per_run = (statistics.median(results["one task run per message"]) - baseline) / args.messages
    print(f"{args.messages} messages to the local outbox, {args.repeat} runs, batch size in use: {BATCH_SIZE}\n")
    print("| orchestration | min | median | per message | Prefect's overhead a message | times cheaper than a task "
          "run a message |\n|---|---|---|---|---|---|")
    for label, runs in results.items():
        overhead = (statistics.median(runs) - baseline) / args.messages
        ratio = f"{per_run / overhead:.0f}×" if overhead > 0 and label.startswith("batches") else "—"
        print(f"| {label} | {min(runs):.2f} s | {statistics.median(runs):.2f} s | "
              f"{statistics.median(runs) / args.messages * 1000:.1f} ms | {max(overhead, 0) * 1000:.2f} ms | {ratio} |")


if __name__ == "__main__":
    main()
