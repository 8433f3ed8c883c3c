"""The monthly bulletin's numbers (月度通报): one computed result that every rendering shows.

Every number uses the definitions of `supervision.status`, which the bulletin prints beside them. The bulletin
of a month is computed as of the month's last day (or as of today, for the month in progress), so re-running it
later changes nothing unless the ledger changed.
"""

from __future__ import annotations

import calendar as months
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlmodel import Session

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, Review, Role, StatusReport, Task, TaskStage, TaskStatus, Unit
from reformflow.supervision.bulletin.areas import canonical_areas
from reformflow.supervision.status import (
    COUNTED_ONCE,
    DEFINITIONS,
    LIGHT_LABELS,
    REPORTED,
    UNITS_NOT_REPORTED,
    Light,
    issued,
    judge,
)

COUNTS = ("tasks", *(light.value for light in Light), "not_reported")
CHINA = ZoneInfo("Asia/Shanghai")


def period_end(period: str) -> date:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, months.monthrange(year, month)[1])


def definitions() -> list[dict]:
    """The definitions printed in every bulletin, in the order of its columns."""
    rows = [{"term": LIGHT_LABELS[light], "definition": text} for light, text in DEFINITIONS.items()]
    rows += [{"term": "本期已报送", "definition": REPORTED.split("：", 1)[1]},
             {"term": "未报送单位", "definition": UNITS_NOT_REPORTED.split("：", 1)[1]},
             {"term": "计数", "definition": COUNTED_ONCE}]
    return rows


class _Task(NamedTuple):
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


class _Report(NamedTuple):
    task_id: int
    unit_id: int
    status: str
    progress: int
    narrative: str
    submitted_at: datetime
    requested_deadline: date | None
    review: str | None


@dataclass
class _Ledger:
    rows: list[_Task]
    units: dict[int, str]  # id → name
    assignments: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))  # (unit, role)
    reported: set[tuple[int, int]] = field(default_factory=set)  # (task, unit) that reported in the period
    extensions: list[_Report] = field(default_factory=list)  # the period's extension requests by lead units
    accepted: list[_Report] = field(default_factory=list)  # 销号 within the period
    claims: list[_Report] = field(default_factory=list)  # the latest pending claim of each claimed task


_REPORT = (StatusReport.task_id, StatusReport.unit_id, StatusReport.status, StatusReport.progress,
           StatusReport.narrative, StatusReport.submitted_at, StatusReport.requested_deadline, StatusReport.review)


def _load(period: str, as_of: date, session: Session, zone: ZoneInfo) -> _Ledger:
    """Six queries; the reports (a year of them is half a million rows) are reduced in SQL, never loaded."""
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
    rows = [_Task(*row[:-1], *documents[row.document_id]) for row in run(tasks)]
    ledger = _Ledger([t for t in rows if t.issued <= as_of],  # a document issued later is not yet in force
                     dict(run(select(Unit.id, Unit.name))))
    for task_id, unit_id, role in run(select(Assignment.task_id, Assignment.unit_id, Assignment.role)
                                      .order_by(Assignment.id)):
        ledger.assignments[task_id].append((unit_id, role))
    ledger.reported = {tuple(row) for row in run(select(StatusReport.task_id, StatusReport.unit_id)
                                                 .where(StatusReport.period == period)
                                                 .group_by(StatusReport.task_id, StatusReport.unit_id))}
    lead = and_(Assignment.task_id == StatusReport.task_id, Assignment.unit_id == StatusReport.unit_id,
                Assignment.role == Role.LEAD)
    ledger.extensions = [_Report(*row) for row in run(
        select(*_REPORT).join(Assignment, lead).where(StatusReport.period == period,
                                                      StatusReport.status == TaskStatus.EXTENSION_REQUESTED)
        .order_by(StatusReport.submitted_at, StatusReport.id))]
    ledger.accepted = _accepted(period, zone, run)
    ledger.claims = _pending_claims(lead, run)
    return ledger


def _accepted(period: str, zone: ZoneInfo, run) -> list[_Report]:
    """本期办结: accepted within the month, in the office's time zone (07:30 on 1 July is July, not June)."""
    start = datetime.combine(date.fromisoformat(f"{period}-01"), time(), zone)
    end = datetime.combine(period_end(period) + timedelta(days=1), time(), zone)
    query = (select(*_REPORT, StatusReport.reviewed_at)
             .where(StatusReport.review == Review.ACCEPTED, StatusReport.reviewed_at >= start.astimezone(UTC),
                    StatusReport.reviewed_at < end.astimezone(UTC)).order_by(StatusReport.id))
    return [_Report(*row[:-1]) for row in run(query) if row.reviewed_at.astimezone(zone).strftime("%Y-%m") == period]


def _pending_claims(lead, run) -> list[_Report]:
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
    return [_Report(*row) for row in run(query)]


def compute_bulletin(period: str, as_of: date, *, session: Session, calendar: WorkingCalendar,
                     zone: ZoneInfo = CHINA) -> dict:
    as_of = min(as_of, period_end(period))
    ledger = _load(period, as_of, session, zone)
    areas = canonical_areas([t.area or "" for t in ledger.rows])
    totals, per_area, per_doc, per_unit = _counter(), defaultdict(_counter), defaultdict(_counter), Counter()
    overdue, tasks_out = [], []
    for task in ledger.rows:
        assigned = ledger.assignments[task.id]
        task_reported = any((task.id, unit_id) in ledger.reported for unit_id, _ in assigned)
        verdict = judge(task, issued=task.issued, as_of=as_of, reported=task_reported, calendar=calendar)
        due_report = verdict.light not in (Light.CLOSED, Light.UNASSIGNED, Light.DRAFT)
        for bucket in (totals, per_area[areas[task.area or ""]], per_doc[task.document]):
            bucket["tasks"] += 1
            bucket[verdict.light] += 1
            bucket["not_reported"] += due_report and not task_reported
        for unit_id, role in assigned:  # unit × role × light: summed per unit below
            per_unit[unit_id, role, verdict.light, due_report, (task.id, unit_id) in ledger.reported] += 1
        leads = [ledger.units[unit_id] for unit_id, role in assigned if role == Role.LEAD]
        line = {"document": task.document, "source": task.source, "code": task.code, "title": task.title,
                "lead_units": leads}
        if verdict.light == Light.OVERDUE:
            overdue.append({**line, "deadline": (task.extended_deadline or task.deadline).isoformat(),
                            "original_deadline": task.deadline.isoformat() if task.deadline else None,
                            "days_overdue": verdict.overdue_workdays})
        tasks_out.append({**line, "area": areas[task.area or ""], "light": verdict.light,
                          "light_label": LIGHT_LABELS[verdict.light], "stage": task.stage, "progress": task.progress,
                          "deadline": task.deadline.isoformat() if task.deadline else None,
                          "extended_deadline": task.extended_deadline.isoformat() if task.extended_deadline else None,
                          "reported": task_reported, "due_report": due_report})
    return _assemble(period, as_of, totals, _unit_rows(per_unit, ledger.units), overdue, {
        "areas": [{"area": k, **v} for k, v in sorted(per_area.items())],
        "documents": [{"document": k, **v} for k, v in sorted(per_doc.items())],
        "tasks": tasks_out, **_decisions(ledger)})


def _counter() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _unit_rows(counts: Counter, names: dict[int, str]) -> dict[int, dict]:
    """Each unit's row from the (unit, role, light, owes a report, reported) counts."""
    per_unit: dict[int, dict] = {}
    for (unit_id, role, light, due_report, reported), n in counts.items():
        entry = per_unit.get(unit_id)
        if entry is None:
            entry = per_unit[unit_id] = {"unit": names[unit_id], "lead_tasks": 0, "co_tasks": 0, **_counter(),
                                         "due_report": 0, "reported": 0}
        entry["tasks"] += n
        entry[f"{role}_tasks"] += n
        entry[light] += n
        entry["due_report"] += due_report * n
        entry["reported"] += reported * n
        entry["not_reported"] += (due_report and not reported) * n
    return per_unit


def _assemble(period: str, as_of: date, totals: dict, per_unit: dict, overdue: list, extras: dict) -> dict:
    unit_rows = list(per_unit.values())
    for row in unit_rows:
        row["completion_rate"] = round(row[Light.CLOSED] / row["tasks"], 4)
    unit_rows.sort(key=lambda r: (-r["completion_rate"], r[Light.OVERDUE], r["unit"]))
    for rank, row in enumerate(unit_rows, start=1):
        row["rank"] = rank
    overdue.sort(key=lambda r: (-r["days_overdue"], r["source"], r["code"]))
    # 未报送单位: owes a report this period and filed none at all (see UNITS_NOT_REPORTED).
    not_reported = [r["unit"] for r in unit_rows if r["due_report"] and not r["reported"]]
    return {
        "period": period, "as_of": as_of.isoformat(), "period_label": f"{as_of.year}年{as_of.month}月",
        "as_of_label": chinese_date(as_of), "headline": headline(as_of, totals, len(not_reported)),
        "totals": totals, "units": unit_rows, "overdue": overdue, "units_not_reported": not_reported,
        **extras,
        "definitions": definitions(),
    }


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def headline(as_of: date, totals: dict, units_not_reported: int) -> str:
    """The bulletin's first sentence, the same in every rendering (web page, Word notice, e-mail, chat)."""
    parts = "，".join(f"{LIGHT_LABELS[light]}{totals[light]}项" for light in Light if totals[light])
    return (f"截至{chinese_date(as_of)}，台账共有改革任务{totals['tasks']}项：{parts}；本期应报送而未报送的任务"
            f"{totals['not_reported']}项，未报送单位{units_not_reported}个。")


def _decisions(ledger: _Ledger) -> dict:
    """本期办结 (the office's 销号 this month), pending claims and extension requests, each task once."""
    tasks = {t.id: t for t in ledger.rows}

    def line(report: _Report) -> dict:
        task = tasks[report.task_id]
        return {"document": task.document, "code": task.code, "title": task.title,
                "unit": ledger.units[report.unit_id], "progress": report.progress,
                "narrative": report.narrative, "submitted_at": report.submitted_at.date().isoformat(),
                "requested_deadline": report.requested_deadline.isoformat() if report.requested_deadline else None,
                "review": report.review}

    closed = {r.task_id: line(r) for r in ledger.accepted if r.task_id in tasks}
    extensions = [line(r) for r in ledger.extensions if r.task_id in tasks]
    claims = [line(r) for r in ledger.claims if r.task_id in tasks]
    return {"completed_this_period": list(closed.values()), "claims_pending": claims,
            "extension_requests": extensions}
