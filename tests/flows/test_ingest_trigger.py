"""A report filed on the intake page triggers `ingest-report` through a Prefect deployment trigger."""

import asyncio
import threading
from datetime import date

import pytest
from prefect.runner import Runner
from sqlmodel import select

from reformflow.deployments.schedules import build_deployments
from reformflow.flows.events import emit_submitted
from reformflow.models import Assignment, Message, Task, Unit
from reformflow.supervision.reports.submissions import Submission, store_submission
from tests.factories import ledger, new_session, task, wait_until

pytestmark = pytest.mark.usefixtures("prefect_server")


def test_a_submission_triggers_ingest_report(data_dir, session, tmp_path, monkeypatch):
    monkeypatch.setenv("REFORMFLOW_DATA_DIR", str(data_dir.parent))  # the flow runs in a subprocess of the runner
    ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2020, 6, 30))])
    unit = session.exec(select(Unit).where(Unit.name == "市公安局")).one()
    item = session.exec(select(Task)).one()
    report = store_submission(item, unit, "2020-06", Submission("completed", 100, "已上线运行。", "", "", None),
                              None, session=session, evidence_dir=data_dir / "evidence")
    session.commit()  # stored, as the web request commits it before emitting the event

    runner = Runner(query_seconds=1)
    runner.add_deployment(next(d for d in build_deployments() if d.name == "on-report-submitted"))
    thread = threading.Thread(target=lambda: asyncio.run(runner.start(webserver=False)), daemon=True)
    thread.start()
    try:
        emit_submitted("shenzhen", report.id)
        wait_until(lambda s: s.exec(select(Message).where(Message.kind == "review")).first())
        with new_session() as fresh:
            assert fresh.get(Task, item.id).status == "completed"
            claim = fresh.exec(select(Message).where(Message.kind == "review")).one()
            assert "任务1已完成，申请销号" in claim.subject
    finally:
        runner.stop()
        thread.join(timeout=20)


def test_a_document_in_the_inbox_triggers_extraction_and_assignment(data_dir, tmp_path, monkeypatch):
    from reformflow.cli.main import sample_documents
    from reformflow.core.settings import settings
    from reformflow.flows.events import emit_document_received

    monkeypatch.setenv("REFORMFLOW_DATA_DIR", str(data_dir.parent))
    monkeypatch.setattr(settings, "office", "chengdu-gaoxin")  # the ledger the test reads: 004 is Chengdu Gaoxin's
    seed = next(p for p in sample_documents() if p.name.startswith("004"))
    runner = Runner(query_seconds=1)
    runner.add_deployment(next(d for d in build_deployments() if d.name == "on-document-received"))
    thread = threading.Thread(target=lambda: asyncio.run(runner.start(webserver=False)), daemon=True)
    thread.start()
    try:
        emit_document_received("chengdu-gaoxin", str(seed))
        wait_until(lambda s: s.exec(select(Assignment)).first())
        with new_session() as fresh:
            assert len(fresh.exec(select(Task)).all()) == 32
            assert fresh.exec(select(Assignment)).first() is not None
        monkeypatch.setattr(settings, "office", "shenzhen")
        with new_session() as shenzhen:  # the event named its office: no other ledger got the tasks
            assert shenzhen.exec(select(Task)).all() == []
    finally:
        runner.stop()
        thread.join(timeout=20)
