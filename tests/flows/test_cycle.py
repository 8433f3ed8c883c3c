"""The flows on the real Prefect engine (one ephemeral server for the session)."""

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from sqlmodel import select

from flows import common
from flows.cycle import supervision_cycle
from flows.remind import reminder_sweep
from models import Assignment, Message, StatusReport, Task
from reformflow import db
from reformflow.cli import sample_documents
from reformflow.config import SAMPLES, settings
from tests.factories import directory_file, document, no_decisions, task

pytestmark = pytest.mark.usefixtures("prefect_server")
DEMO_DAY = date(2020, 6, 23)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run_demo_cycle():
    return supervision_cycle([str(p) for p in sample_documents()], DEMO_DAY, str(SAMPLES / "reports-2020-06.csv"))


def counts():
    with db.session() as session:
        return {model.__name__: len(session.exec(select(model)).all())
                for model in (Task, Assignment, Message, StatusReport)}


async def artifact_keys():
    async with get_client() as client:
        return {a.key for a in await client.read_artifacts()}


def test_the_cycle_on_the_sample_documents_and_again(data_dir):
    result = run_demo_cycle()
    assert result["tasks"] == 405
    bulletin = json.loads(Path(result["bulletin"]["json"]).read_text(encoding="utf-8"))
    assert bulletin["totals"]["tasks"] == 405 and bulletin["totals"]["overdue"] > 0
    assert result["reminders"]["sent"] > 0 and result["reports"]["imported"] == 70
    outbox = list((data_dir / "outbox").rglob("*.md"))
    police = [p.read_text(encoding="utf-8") for p in outbox if p.parent.name == "sz-sgaj"]
    assert any("【改革任务提醒】市公安局" in text for text in police)
    before = counts()
    bulletins = 3  # the office and the sample directory's two leaders
    assert before["Message"] == result["reminders"]["sent"] + result["reports"]["sent"] + bulletins

    again = run_demo_cycle()
    assert counts() == before  # no duplicate tasks, assignments, reports or messages
    assert again["bulletin"]["version"] == 1
    assert len(list((data_dir / "outbox").rglob("*.md"))) == len(outbox)


def test_flows_leave_artifacts_and_tags_for_the_admin(data_dir):
    import asyncio

    run_demo_cycle()
    keys = asyncio.run(artifact_keys())
    expected = {"extract-summary", "units-to-review", "reminder-plan", "monthly-bulletin", "collect-reports-summary",
                "supervision-cycle"}
    assert expected <= keys
    run_tags = asyncio.run(task_run_tags())
    assert {"period:2020-06", "as-of:2020-06-23", "document:002_21bdac3652985b47.txt"} <= run_tags


async def task_run_tags():
    async with get_client() as client:
        return {tag for run in await client.read_task_runs(limit=200) for tag in run.tags}


def test_reminder_sweep_emails_through_a_real_smtp_server(data_dir, tmp_path, smtp_server, monkeypatch):
    from supervision.assignment import assign_tasks
    from supervision.directory import load_directory
    from supervision.ledger import store_document

    mailbox, port = smtp_server
    url = f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=police@example.gov.cn"
    with db.session() as session:
        store_document(document([task("1", ["市公安局"], deadline=date(2020, 6, 30))]), session=session)
        directory = load_directory(directory_file(tmp_path / "d.yaml", {"市公安局": [("email", url)]}))
        assign_tasks(directory, no_decisions(), session=session)
        session.commit()
    monkeypatch.setattr(settings, "escalate_after_days_overdue", 1000)
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 6, 23, 22, 0, tzinfo=SHANGHAI))
    night = reminder_sweep(DEMO_DAY)
    assert (night["queued"], night["sent"], mailbox.messages) == (1, 0, [])  # quiet hours: it waits
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 6, 24, 9, 30, tzinfo=SHANGHAI))
    assert reminder_sweep(DEMO_DAY)["sent"] == 1
    assert reminder_sweep(DEMO_DAY)["sent"] == 0
    (_, recipients, content), = mailbox.messages
    assert recipients == ["police@example.gov.cn"] and b"2020" in content


def test_contact_secrets_can_live_in_prefect_secret_blocks(data_dir):
    from prefect.blocks.system import Secret

    from supervision.directory import DirectoryError, expand_secrets

    Secret(value="wecom-key-123").save("police-robot", overwrite=True)
    assert expand_secrets("wecombot://${secret:police-robot}") == "wecombot://wecom-key-123"
    with pytest.raises(DirectoryError, match="Prefect Secret block 'missing-robot'"):
        expand_secrets("wecombot://${secret:missing-robot}")
