"""What the bulletin reads: tasks, units and assignments as rows (not ORM objects: a province has 20,000 tasks and
60,000 assignments), and the reports reduced in SQL (a year of them is half a million rows, never loaded)."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, literal, select
from sqlmodel import Session

from reformflow.models import Assignment, Document, Review, Role, StatusReport, Task, TaskStage, TaskStatus, Unit
from reformflow.supervision.status import issued


def period_end(period: str) -> date:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, months.monthrange(year, month)[1])


class TaskRow(NamedTuple):
    """What the bulletin reads of a task and its document: a row, not an ORM object (20,000 of them)."""

    id: int
    code: str
    title: str
    area: str | None
    stage: str
    status: str
    progress: int
    deadline: date | None
    extended_deadline: date | None
    document: str
    source: str
    issued: date


class ReportRow(NamedTuple):
    task_id: int
    unit_id: int
    status: str
    progress: int
    narrative: str
    submitted_at: datetime
    requested_deadline: date | None
    review: str | None


@dataclass
class Ledger:
    """The ledger as the bulletin of one period and day sees it."""

    rows: list[TaskRow]  # the tasks in force, by document source and id
    units: dict[int, str]  # id → name
    # The assignments as three columns in their order (task ids, unit ids, roles): counted with zip and Counter,
    # not looped over row by row (60,000 of them).
    assigned: tuple[tuple, tuple, tuple] = ((), (), ())
    reported: set[tuple[int, int]] = field(default_factory=set)  # (task, unit) that reported in the period
    extensions: list[ReportRow] = field(default_factory=list)  # the period's extension requests by lead units
    accepted: list[ReportRow] = field(default_factory=list)  # 销号 within the period
    claims: list[ReportRow] = field(default_factory=list)  # the latest pending claim of each claimed task


_REPORT = (StatusReport.task_id, StatusReport.unit_id, StatusReport.status, StatusReport.progress,
           StatusReport.narrative, StatusReport.submitted_at, StatusReport.requested_deadline, StatusReport.review)


def read_ledger(period: str, as_of: date, session: Session, zone: ZoneInfo) -> Ledger:
    """Eight queries; the reports (a year of them is half a million rows) are reduced in SQL, never loaded."""
    session.flush()  # rows are read past the session: what it holds unwritten must be in the database
    connection = session.connection()

    def run(query) -> list:  # fetchall: row-by-row fetching was a third of the time on 128,000 rows
        return connection.execute(query).all()

    documents = {row.id: (row.title, row.source, issued(row)) for row in run(
        select(Document.id, Document.title, Document.source, Document.issued_on, Document.imported_at))}
    tasks = (select(Task.id, Task.code, Task.title, Task.area, Task.stage, Task.status, Task.progress, Task.deadline,
                    Task.extended_deadline, Task.document_id)
             .join(Document, Document.id == Task.document_id).where(Task.removed_at.is_(None))
             .order_by(Document.source, Task.id))
    rows = [TaskRow._make(row[:-1] + documents[row[-1]]) for row in run(tasks)]  # row[-1]: the document id
    ledger = Ledger([t for t in rows if t.issued <= as_of],  # a document issued later is not yet in force
                    dict(run(select(Unit.id, Unit.name))))
    ledger.assigned = tuple(zip(*run(select(Assignment.task_id, Assignment.unit_id, Assignment.role)
                                     .order_by(Assignment.id)), strict=True)) or ledger.assigned
    ledger.reported = set(map(tuple, run(select(StatusReport.task_id, StatusReport.unit_id)
                                         .where(StatusReport.period == period)
                                         .group_by(StatusReport.task_id, StatusReport.unit_id))))
    lead = and_(Assignment.task_id == StatusReport.task_id, Assignment.unit_id == StatusReport.unit_id,
                Assignment.role == Role.LEAD)
    # The status as a literal, not a parameter: SQLite then matches the partial index of extension requests
    # (migration 0011), which spares PostgreSQL a poor plan when the table has no statistics yet.
    requested = literal(TaskStatus.EXTENSION_REQUESTED.value, literal_execute=True)
    ledger.extensions = [ReportRow(*row) for row in run(
        select(*_REPORT).join(Assignment, lead).where(StatusReport.period == period, StatusReport.status == requested)
        .order_by(StatusReport.submitted_at, StatusReport.id))]
    ledger.accepted = _accepted(period, zone, run)
    ledger.claims = _pending_claims(lead, run)
    return ledger


def _accepted(period: str, zone: ZoneInfo, run) -> list[ReportRow]:
    """本期办结: accepted within the month, in the office's time zone (07:30 on 1 July is July, not June)."""
    start = datetime.combine(date.fromisoformat(f"{period}-01"), time(), zone)
    end = datetime.combine(period_end(period) + timedelta(days=1), time(), zone)
    query = (select(*_REPORT, StatusReport.reviewed_at)
             .where(StatusReport.review == Review.ACCEPTED, StatusReport.reviewed_at >= start.astimezone(UTC),
                    StatusReport.reviewed_at < end.astimezone(UTC)).order_by(StatusReport.id))
    return [ReportRow(*row[:-1]) for row in run(query) if row.reviewed_at.astimezone(zone).strftime("%Y-%m") == period]


def _pending_claims(lead, run) -> list[ReportRow]:
    """The latest unreviewed completion claim of each claimed task by a lead unit (a window function), listed in
    the order of each task's first such claim."""
    claims = (select(*_REPORT, func.row_number().over(partition_by=StatusReport.task_id,
                                                       order_by=(StatusReport.submitted_at.desc(),
                                                                 StatusReport.id.desc())).label("newest"),
                     func.first_value(StatusReport.submitted_at).over(
                         partition_by=StatusReport.task_id,
                         order_by=(StatusReport.submitted_at, StatusReport.id)).label("first_at"),
                     func.first_value(StatusReport.id).over(
                         partition_by=StatusReport.task_id,
                         order_by=(StatusReport.submitted_at, StatusReport.id)).label("first_id"))
              .join(Assignment, lead).join(Task, Task.id == StatusReport.task_id)
              .where(StatusReport.status == TaskStatus.COMPLETED, StatusReport.review.is_(None),
                     Task.stage == TaskStage.CLAIMED)
              .subquery())
    query = select(*(claims.c[column.key] for column in _REPORT)).where(claims.c.newest == 1).order_by(
        claims.c.first_at, claims.c.first_id)
    return [ReportRow(*row) for row in run(query)]
