"""The flows on the real Prefect engine (one ephemeral server for the session)."""

import email
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from sqlmodel import select

from reformflow.core.settings import SAMPLES, settings
from reformflow.flows import common
from reformflow.flows.cycle import supervision_cycle
from reformflow.flows.remind import reminder_sweep
from reformflow.models import Assignment, Contact, Document, Message, StatusReport, Task
from tests.factories import directory_file, document, new_session, no_decisions, task

pytestmark = pytest.mark.usefixtures("prefect_server")
DEMO_DAY = date(2020, 6, 23)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def run_demo_cycle():
    """The demo's first cycle: the Shenzhen office in June 2020 on its 2020 list, with the sample reports."""
    return supervision_cycle([str(SAMPLES / "documents" / "002_21bdac3652985b47.txt")], DEMO_DAY,
                             str(SAMPLES / "reports-2020-06.csv"), office="shenzhen")


def counts():
    with new_session() as session:
        return {model.__name__: len(session.exec(select(model)).all())
                for model in (Task, Assignment, Message, StatusReport)}


def message_kinds() -> dict[str, int]:
    with new_session() as session:
        return Counter(m.kind for m in session.exec(select(Message)))


def units_told_of_tasks_in_force() -> set[int]:
    """Units with a contact and a task of a document issued by the demo's day."""
    with new_session() as session:
        query = (select(Assignment.unit_id).join(Task, Task.id == Assignment.task_id)
                 .join(Document, Document.id == Task.document_id).join(Contact, Contact.unit_id == Assignment.unit_id)
                 .where(Document.issued_on <= DEMO_DAY))
        return set(session.exec(query))


async def artifact_keys():
    async with get_client() as client:
        return {a.key for a in await client.read_artifacts()}


def test_the_cycle_on_the_sample_documents_and_again(data_dir):
    """One run of the whole demo serves every check that reads its results (it is the slowest thing we test)."""
    import asyncio

    result = run_demo_cycle()
    assert result["tasks"] == 210 and result["office"] == "shenzhen"
    bulletin = json.loads(Path(result["bulletin"]["json"]).read_text(encoding="utf-8"))
    # The headline README and `make demo` print, checked by hand against the sample reports (see README).
    assert bulletin["headline"] == ("截至2020年6月23日，台账共有改革任务210项：申请销号待复核23项，红灯（逾期）13项，"
                                    "黄灯（滞后）171项，绿灯（按期推进）3项；本期应报送而未报送的任务154项，未报送单位52个。")
    assert result["reminders"]["sent"] > 0 and result["reports"]["imported"] == 70
    outbox = list((data_dir / "outbox").rglob("*.md"))
    police = [p.read_text(encoding="utf-8") for p in outbox if p.parent.name == "sz-sgaj"]
    assert any("【改革任务提醒】市公安局" in text for text in police)
    before = counts()
    assert before["Message"] == len(outbox)  # every message delivered once, to the local outbox
    kinds = message_kinds()
    assert kinds["bulletin"] == 2  # the office and its leader (Shenzhen's directory)
    assert kinds["assignment"] == len(units_told_of_tasks_in_force())  # one 交办通知 per unit
    # What the admin finds in the UI: an artifact per stage, runs tagged by period, day and document.
    expected = {f"shenzhen-{key}" for key in ("extract-summary", "units-to-review", "reminder-plan", "monthly-bulletin",
                                              "collect-reports-summary", "supervision-cycle")}
    assert expected <= asyncio.run(artifact_keys())
    assert {"office:shenzhen", "period:2020-06", "as-of:2020-06-23",
            "document:002_21bdac3652985b47.txt"} <= asyncio.run(task_run_tags())

    again = run_demo_cycle()
    assert counts() == before  # no duplicate tasks, assignments, reports or messages
    assert again["bulletin"]["version"] == 1
    assert len(list((data_dir / "outbox").rglob("*.md"))) == len(outbox)

    # The demo's second cycle, two years on, on the 2022 plan; then June 2020 once more: a list issued in 2022 is
    # not in force in 2020, so the re-run tells nobody anything new about it.
    supervision_cycle([str(SAMPLES / "documents" / "000_b03c00c579b17cff.txt")], date(2022, 9, 23), office="shenzhen")
    after_2022 = counts()
    assert after_2022["Task"] == 307
    assert run_demo_cycle()["bulletin"]["version"] == 1 and counts() == after_2022


async def task_run_tags():
    async with get_client() as client:
        return {tag for run in await client.read_task_runs(limit=200) for tag in run.tags}


def test_reminder_sweep_emails_through_a_real_smtp_server(data_dir, tmp_path, smtp_server, monkeypatch):
    from reformflow.supervision.ledger import store_document
    from reformflow.supervision.units.assignment import assign_tasks
    from reformflow.supervision.units.directory import load_directory

    mailbox, port = smtp_server
    url = f"mailto://127.0.0.1:{port}/?from=office@example.gov.cn&to=police@example.gov.cn"
    with new_session() as session:
        store_document(document([task("1", ["市公安局"], deadline=date(2020, 6, 30))]), session=session)
        directory = load_directory(directory_file(tmp_path / "d.yaml", {"市公安局": [("email", url)]}))
        assign_tasks(directory, no_decisions(), session=session)
        session.commit()
    monkeypatch.setattr(settings, "escalate_after_days_overdue", 1000)
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 6, 23, 22, 0, tzinfo=SHANGHAI))
    night = reminder_sweep(as_of=DEMO_DAY)
    assert (night["queued"], night["sent"], mailbox.messages) == (1, 0, [])  # quiet hours: it waits
    monkeypatch.setattr(common, "office_now", lambda: datetime(2020, 6, 24, 9, 30, tzinfo=SHANGHAI))
    assert reminder_sweep(as_of=DEMO_DAY)["sent"] == 1
    assert reminder_sweep(as_of=DEMO_DAY)["sent"] == 0
    (_, recipients, content), = mailbox.messages
    parts = [part.get_payload(decode=True) for part in email.message_from_bytes(content).walk()
             if not part.is_multipart()]  # base64 on the wire: read as a mail client does
    assert recipients == ["police@example.gov.cn"] and len(parts) == 2 and all(b"2020" in part for part in parts)
