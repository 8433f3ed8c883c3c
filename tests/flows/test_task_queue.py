"""Delivery on Prefect's task queue: the sweep queues batches and returns; two task workers deliver them."""

import asyncio
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from prefect.task_worker import aserve
from sqlmodel import select

from reformflow.core.settings import settings
from reformflow.flows import common
from reformflow.flows.remind import reminder_sweep
from reformflow.models import Message
from tests.factories import ledger, new_session, task, wait_until

pytestmark = pytest.mark.usefixtures("prefect_server")
DAY = date(2020, 6, 23)


def test_two_task_workers_deliver_each_batch_once(session, tmp_path, data_dir, monkeypatch):
    names = [f"单位{n:03d}" for n in range(120)]
    ledger(session, tmp_path, [task(str(n + 1), [name], deadline=DAY + timedelta(days=3))
                               for n, name in enumerate(names)])
    monkeypatch.setattr(settings, "task_queue", True)
    monkeypatch.setattr(settings, "escalate_after_days_overdue", 1000)
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 6, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    result = reminder_sweep(as_of=DAY)
    assert (result["queued"], result["sent"], result["batches"]) == (120, 0, 3)  # returned once queued

    workers = [threading.Thread(target=lambda: asyncio.run(aserve(common.deliver_batch, timeout=120)), daemon=True)
               for _ in range(2)]
    for worker in workers:
        worker.start()
    wait_until(lambda s: all(m.state == "sent" for m in s.exec(select(Message))))
    with new_session() as fresh:
        assert [m.state for m in fresh.exec(select(Message))] == ["sent"] * 120
        assert all(m.attempts == 1 for m in fresh.exec(select(Message)))  # each delivered once
    assert len(list((data_dir / "outbox").rglob("*.md"))) == 120
