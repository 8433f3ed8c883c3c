"""Building ledgers for tests, in one place. Everything goes through the same code the product uses."""

from __future__ import annotations

import random
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path

import yaml
from sqlalchemy import insert
from sqlmodel import Session, select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.office import report_links
from reformflow.flows.office import sender as office_sender
from reformflow.models import Assignment, Contact, Document, StatusReport, Task, Unit
from reformflow.notifications.outbox import DispatchReport, dispatch
from reformflow.parsing import ExtractedDocument, ExtractedTask
from reformflow.supervision.ledger import store_document
from reformflow.supervision.lifecycle import on_report
from reformflow.supervision.reports.links import ReportLinks
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import Directory, load_directory
from reformflow.supervision.units.resolution import Decisions


def no_decisions() -> Decisions:
    """The office has decided nothing yet (and nothing is written: a path that is never saved to)."""
    return Decisions(Path("/nonexistent/unit-decisions.yaml"))

# Distinct measures, so that tasks of a test ledger are not mistaken for one another when matched by text.
MEASURES = ("压缩企业开办时间至一个工作日", "推行工程建设项目联合验收", "建设不动产登记一网通办平台",
            "扩大跨境贸易单一窗口功能", "完善知识产权快速维权机制", "推进水电气报装线上联办",
            "建立企业破产府院联动机制", "实施纳税缴费全程网上办理", "优化政府采购电子化交易", "健全信用修复和异议处理")


def task(code: str, lead: list[str], co: list[str] | None = None, deadline: date | None = None,
         source: str = "plan.txt", title: str | None = None, area: str = "营商环境") -> ExtractedTask:
    number = int(code.split(".")[0])
    text = f"{MEASURES[number % len(MEASURES)]}（第{code}项）。"
    return ExtractedTask(source=source, code=code, area=area, title=title or f"任务{code}", text=text,
                         original_text=text, line=int(code.split(".")[0]), lead_units=lead, co_units=co or [],
                         deadline=deadline, deadline_text=deadline.isoformat() if deadline else None,
                         deadline_kind="explicit" if deadline else None)


def document(tasks: list[ExtractedTask], source: str = "plan.txt", issued_on: date = date(2020, 1, 1),
             title: str = "测试改革任务清单") -> ExtractedDocument:
    for item in tasks:
        item.source = source
    return ExtractedDocument(source=source, title=title, year=issued_on.year, issued_on=issued_on, tasks=tasks)


def directory_file(path: Path, units: dict[str, list[tuple[str, str]]], groups: dict[str, list[str]] | None = None,
                   placeholders: list[str] | None = None, aliases: dict[str, list[str]] | None = None,
                   office_contacts: list[tuple[str, str]] | None = None,
                   leaders: dict[str, list[str]] | None = None) -> Path:
    """Write a directory YAML. `units` maps a name to its (channel, url) contacts; `leaders` maps a leader
    to the units it supervises (otherwise each unit's supervisor is a leader without contacts)."""
    aliases = aliases or {}
    supervisor = {unit: leader for leader, members in (leaders or {}).items() for unit in members}
    data = {
        "office": {"name": "改革办", "contacts": [{"channel": c, "url": u}
                                                  for c, u in office_contacts or [("outbox", "outbox://office")]]},
        "leaders": [{"id": f"leader-{i}", "name": name, "contacts": [{"channel": "outbox", "url": f"outbox://leader-{i}"}]}
                    for i, name in enumerate(leaders or {}, start=1)],
        "units": [{"id": f"unit-{i}", "name": name, "aliases": aliases.get(name, []),
                   "supervisor": supervisor.get(name, f"{name}分管领导"),
                   "contacts": [{"channel": c, "url": u} for c, u in contacts]}
                  for i, (name, contacts) in enumerate(units.items(), start=1)],
        "groups": [{"name": g, "members": m} for g, m in (groups or {}).items()],
        "placeholders": placeholders or [],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def outbox_units(*names: str) -> dict[str, list[tuple[str, str]]]:
    return {name: [("outbox", f"outbox://unit-{i}")] for i, name in enumerate(names, start=1)}


def ledger(session: Session, tmp_path: Path, tasks: list[ExtractedTask], units: dict | None = None,
           **directory_options) -> Directory:
    """Store a document with these tasks and assign them against a directory of the named units."""
    store_document(document(tasks), session=session)
    groups = directory_options.get("groups", {})
    mentioned = {u for t in tasks for u in t.lead_units + t.co_units} - set(groups)
    members = {m for group in groups.values() for m in group}
    names = sorted((mentioned | members) - set(directory_options.get("placeholders", [])))
    directory = load_directory(directory_file(tmp_path / "directory.yaml", units or outbox_units(*names),
                                              **directory_options))
    assign_tasks(directory, no_decisions(), session=session)
    session.commit()
    return directory


def new_session() -> Session:
    """A session on the current office's ledger that the test commits itself (the product opens
    `db.transaction(office)` instead)."""
    return Session(db.get_engine(settings.office), expire_on_commit=False)


def links() -> ReportLinks:
    """The current office's report links, as the flows build them."""
    return report_links(settings.office)


def make_token(unit_slug: str, period: str) -> str:
    return links().token(unit_slug, period)


def deliver(message_ids: list[int], *, session: Session, max_attempts: int = 3, sender=None) -> DispatchReport:
    """Commit what the test wrote, then dispatch as the flows do: each message in transactions of its own."""
    session.commit()
    transaction = partial(db.transaction, settings.office)
    if sender is not None:
        report = dispatch(message_ids, transaction=transaction, max_attempts=max_attempts, sender=sender,
                          window=settings.dispatch_window)
    else:
        with office_sender(settings.office) as courier:
            report = dispatch(message_ids, transaction=transaction, max_attempts=max_attempts, sender=courier,
                              window=settings.dispatch_window)
    session.expire_all()
    return report


def wait_until(condition, *, timeout: float = 300, every: float = 0.5):
    """Poll the ledger until `condition(session)` is truthy; the timeout is a backstop for a hung run, not a
    measure of speed (a loaded machine is slow, not wrong)."""
    deadline = clock.monotonic() + timeout
    while True:
        with new_session() as session:
            found = condition(session)
        if found or clock.monotonic() > deadline:
            return found
        clock.sleep(every)


def file_report(session: Session, code: str, unit_name: str, status: str, progress: int, *,
                day: date = date(2020, 6, 20), requested: date | None = None, problems: str = "",
                narrative: str = "推进中。") -> StatusReport:
    """A unit files a report on a task, as the intake page and the report import store it."""
    unit = session.exec(select(Unit).where(Unit.name == unit_name)).one()
    item = session.exec(select(Task).where(Task.code == code)).one()
    report = StatusReport(task_id=item.id, unit_id=unit.id, period=day.strftime("%Y-%m"), status=status,
                          progress=progress, narrative=narrative, problems=problems, requested_deadline=requested,
                          submitted_at=datetime.combine(day, time(10), UTC), source="web")
    session.add(report)
    session.flush()
    on_report(report, session=session)
    return report


def unit_named(session: Session, name: str) -> Unit:
    return session.exec(select(Unit).where(Unit.name == name)).one()


def task_coded(session: Session, code: str) -> Task:
    return session.exec(select(Task).where(Task.code == code)).one()


STAGES = ("assigned", "assigned", "acknowledged", "in_progress", "in_progress", "claimed", "closed", "draft",
          "unassigned")


def generated_ledger(session: Session, *, tasks: int, units: int, seed: int = 16) -> None:
    """A varied ledger written straight into the tables, the same every time for a seed: every stage, deadlines
    around mid-2020 (some extended, some absent), milestones before and after the deadline, removed tasks, a
    document not issued yet, units with no contact, one or two channels, supervisors who are leaders."""
    rng = random.Random(seed)
    session.execute(insert(Unit), [{"name": "改革办", "slug": "office", "is_office": True, "is_leader": False},
                                   *({"name": f"分管领导{n}", "slug": f"leader-{n}", "is_office": False,
                                      "is_leader": True} for n in range(3)),
                                   *({"name": f"单位{n:03d}", "slug": f"unit-{n:03d}", "is_office": False,
                                      "is_leader": False, "supervisor": f"分管领导{n % 4}" if n % 4 < 3 else None}
                                     for n in range(units))])
    everyone = list(session.execute(select(Unit.id, Unit.slug).order_by(Unit.id)))
    contacts = [{"unit_id": uid, "channel": "outbox", "url": f"outbox://{slug}"}
                for n, (uid, slug) in enumerate(everyone) if n % 7 != 6]
    contacts += [{"unit_id": uid, "channel": "email", "url": f"mailto://127.0.0.1/?to={slug}@example.gov.cn"}
                 for n, (uid, slug) in enumerate(everyone) if n % 3 == 0]
    session.execute(insert(Contact), contacts)
    session.execute(insert(Document), [
        {"source": f"doc{n}.txt", "title": f"改革任务清单{n}", "sha256": str(n), "issued_on": issued}
        for n, issued in enumerate((date(2020, 1, 1), date(2020, 6, 10), None))])
    documents = list(session.scalars(select(Document.id).order_by(Document.id)))
    agencies = [uid for n, (uid, _) in enumerate(everyone) if n >= 4]
    rows = []
    for n in range(tasks):
        deadline = date(2020, 6, 20) + timedelta(days=rng.randint(-70, 70)) if rng.random() > 0.1 else None
        milestones = [{"due": (deadline + timedelta(days=shift)).isoformat(), "text": f"阶段{shift}"}
                      for shift in rng.sample((-40, -20, -9, 5), rng.choice((0, 0, 0, 1, 2)))] if deadline else []
        rows.append({"document_id": documents[n % 3], "code": str(n), "area": f"领域{n % 5}", "title": f"任务{n}",
                     "text": f"第{n}项改革任务。", "original_text": "", "deadline": deadline,
                     "extended_deadline": deadline + timedelta(days=20) if deadline and rng.random() < 0.1 else None,
                     "stage": rng.choice(STAGES), "status": "not_started", "progress": rng.randint(0, 100),
                     "milestones": milestones, "lead_mentions": [], "co_mentions": [],
                     "removed_at": datetime(2020, 5, 1, tzinfo=UTC) if rng.random() < 0.05 else None})
    session.execute(insert(Task), rows)
    task_ids = list(session.scalars(select(Task.id).order_by(Task.id)))
    session.execute(insert(Assignment), [
        {"task_id": task_id, "unit_id": unit_id, "role": "lead" if r == 0 else "co", "mention": ""}
        for task_id in task_ids for r, unit_id in enumerate(rng.sample(agencies, rng.randint(1, 3)))])


REPORT_STATUSES = ("in_progress", "in_progress", "completed", "lagging", "not_started", "extension_requested")
REVIEWS = (None, None, None, "accepted", "returned", "approved", "rejected")


def generated_reports(session: Session, *, months: int = 12, seed: int = 16) -> int:
    """Reports on a generated ledger: each month most assignments report once or twice; some claims and
    extension requests are reviewed (accepted ones late on a month's last day, UTC, which is the next month in
    the office's time zone)."""
    rng = random.Random(seed)
    assignments = list(session.execute(select(Assignment.task_id, Assignment.unit_id).order_by(Assignment.id)))
    rows = []
    for month in range(1, months + 1):
        for task_id, unit_id in assignments:
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                status, review = rng.choice(REPORT_STATUSES), rng.choice(REVIEWS)
                day = rng.randint(1, 28)
                reviewed = (datetime(2020, month, 28, 20, tzinfo=UTC) if rng.random() < 0.3 else
                            datetime(2020, month, day, 9, tzinfo=UTC)) if review else None
                rows.append({"task_id": task_id, "unit_id": unit_id, "period": f"2020-{month:02d}", "status": status,
                             "progress": rng.randint(0, 100), "narrative": f"进展{month}", "review": review,
                             "reviewed_at": reviewed, "requested_deadline": date(2020, 12, 31)
                             if status == "extension_requested" else None,
                             "submitted_at": datetime(2020, month, day, rng.randint(0, 23), rng.randint(0, 59),
                                                      tzinfo=UTC)})
    session.execute(insert(StatusReport), rows)
    return len(rows)


def demo_ledger(session: Session) -> None:
    """The ledger `reformflow demo` builds, without Prefect: the Shenzhen 2020 list, the sample directory
    and the sample reports."""
    from reformflow.core.settings import SAMPLES
    from reformflow.parsing import extract_file
    from reformflow.supervision.reports.collect import import_reports
    from reformflow.supervision.units.notices import queue_assignment_notices

    store_document(extract_file(SAMPLES / "documents" / "002_21bdac3652985b47.txt"), session=session)
    directory = load_directory(SAMPLES / "directories" / "shenzhen.yaml")
    assign_tasks(directory, no_decisions(), session=session)
    queue_assignment_notices(date(2020, 6, 1), session=session, links=links(), within=3)
    import_reports(SAMPLES / "reports-2020-06.csv", directory, session=session, timezone="Asia/Shanghai")


def offices_file(path: Path, directories: dict[str, Path]) -> Path:
    """An offices file naming each office's directory (slug → directory file); the office's name is its slug."""
    offices = [{"slug": slug, "name": slug, "directory": str(directory)} for slug, directory in directories.items()]
    path.write_text(yaml.safe_dump({"offices": offices}, allow_unicode=True), encoding="utf-8")
    return path
