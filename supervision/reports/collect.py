"""Status reports (情况报送): importing a filled CSV or Excel sheet all-or-nothing, and chasing units that have
not reported.

A file has the columns `source, code, unit, status, progress, note, reported_at` (or the template's Chinese
headers). Every row is checked before anything is stored; one bad row means nothing from the file is stored,
and every error is listed with its sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import (
    STATUS_LABELS,
    Assignment,
    Document,
    StatusReport,
    Task,
    TaskStatus,
    Unit,
    take_lock,
)
from reformflow.notifications.outbox import enqueue_rendered, unit_channels
from reformflow.supervision.lifecycle import OPEN_STAGES, on_report
from reformflow.supervision.reports.files import COLUMN_LABELS, ReportFileError, read_rows
from reformflow.supervision.reports.links import ReportLinks
from reformflow.supervision.reports.periods import report_cutoff
from reformflow.supervision.status import in_force
from reformflow.supervision.units.directory import Directory

_STATUS_BY_WORD = {**{key: key for key in STATUS_LABELS}, **{label: key for key, label in STATUS_LABELS.items()}}


class ReportImportError(ValueError):
    def __init__(self, path: Path, errors: list[str]):
        self.errors = errors
        super().__init__(f"{path}：{len(errors)}处错误，未导入任何内容：\n" + "\n".join(errors))


@dataclass
class ReportImport:
    imported: int = 0
    already_present: int = 0
    periods: set[str] = field(default_factory=set)


@dataclass
class _Row:
    task: Task
    unit: Unit
    status: str
    progress: int
    note: str
    submitted_at: datetime
    requested_deadline: date | None = None
    problems: str = ""


def _parse_time(value: str, zone: ZoneInfo) -> datetime:
    """A date or a date and time; without a zone it is the office's local time."""
    value = value.strip()
    parsed = datetime.fromisoformat(value) if len(value) > 10 else datetime.combine(
        date.fromisoformat(value), datetime.min.time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


class _Checker:
    """Validates rows one by one, collecting errors instead of stopping at the first."""

    def __init__(self, path: Path, directory: Directory, session: Session, zone: ZoneInfo):
        self.path, self.directory, self.errors, self.zone = path, directory, [], zone
        self.units = {u.name: u for u in session.exec(select(Unit))}
        self.tasks = {(d.source, t.code): t for t, d in session.exec(
            select(Task, Document).join(Document, Document.id == Task.document_id))}
        self.assigned = {(a.task_id, a.unit_id) for a in session.exec(select(Assignment))}

    def error(self, row: str, column: str, message: str) -> None:
        self.errors.append(f"{self.path.name} {row}，“{COLUMN_LABELS[column]}”列：{message}")

    def check(self, row: str, values: dict[str, str]) -> _Row | None:
        before = len(self.errors)
        task = self.tasks.get((values["source"].strip(), values["code"].strip()))
        if task is None:
            self.error(row, "code", f"文件“{values['source']}”中没有序号为“{values['code']}”的任务")
        resolved = self.directory.resolve(values["unit"])
        unit = self.units.get(resolved.units[0]) if len(resolved.units) == 1 else None
        if unit is None:
            self.error(row, "unit", f"“{values['unit']}”不是通讯录中的一个单位")
        elif task is not None and (task.id, unit.id) not in self.assigned:
            self.error(row, "unit", f"{unit.name}不是任务{task.code}的责任单位")
        status = _STATUS_BY_WORD.get(values["status"].strip())
        if status is None:
            self.error(row, "status", f"“{values['status']}”不是以下之一：{'、'.join(STATUS_LABELS.values())}")
        progress = self._progress(row, values["progress"])
        try:
            submitted_at = _parse_time(values["reported_at"], self.zone)
        except ValueError:
            self.error(row, "reported_at", f"“{values['reported_at']}”不是日期（年-月-日）")
        requested = self._requested(row, values, status, task)
        if len(self.errors) > before:
            return None
        return _Row(task, unit, status, progress, values["note"].strip(), submitted_at, requested,
                    values["problems"].strip())

    def _requested(self, row: str, values: dict[str, str], status: str | None, task: Task | None) -> date | None:
        """An extension request names the date asked for, later than the deadline in force."""
        if status != TaskStatus.EXTENSION_REQUESTED:
            return None
        try:
            requested = date.fromisoformat(values["requested_deadline"].strip())
        except ValueError:
            self.error(row, "requested_deadline", "申请延期须填写申请延期至的日期（年-月-日）")
            return None
        if task is not None and task.due and requested <= task.due:
            self.error(row, "requested_deadline", f"{requested}不晚于现在的完成时限{task.due}")
        return requested

    def _progress(self, row: str, value: str) -> int:
        try:
            progress = int(value.strip().rstrip("%"))
        except ValueError:
            self.error(row, "progress", f"“{value}”不是整数")
            return 0
        if not 0 <= progress <= 100:
            self.error(row, "progress", f"{progress}不在0到100之间")
        return progress


def import_reports(path: Path, directory: Directory, *, session: Session, timezone: str) -> ReportImport:
    """A filled CSV or Excel sheet: every row is checked first; one bad row and nothing is imported."""
    try:
        raw_rows = read_rows(path)
    except ReportFileError as exc:
        raise ReportImportError(path, [str(exc)]) from exc
    checker = _Checker(path, directory, session, ZoneInfo(timezone))
    rows = [checker.check(number, values) for number, values in raw_rows]
    if checker.errors:
        raise ReportImportError(path, checker.errors)
    result = ReportImport()
    for row in sorted(rows, key=lambda row: row.submitted_at):  # oldest first, so the latest report counts
        _store(row, result, session=session)
    return result


def _store(row: _Row, result: ReportImport, *, session: Session) -> None:
    period = row.submitted_at.strftime("%Y-%m")
    result.periods.add(period)
    exists = session.exec(select(StatusReport.id).where(
        StatusReport.task_id == row.task.id, StatusReport.unit_id == row.unit.id,
        StatusReport.period == period, StatusReport.submitted_at == row.submitted_at)).first()
    if exists:
        result.already_present += 1
        return
    report = StatusReport(task_id=row.task.id, unit_id=row.unit.id, period=period, status=row.status,
                          progress=row.progress, narrative=row.note, submitted_at=row.submitted_at,
                          requested_deadline=row.requested_deadline, problems=row.problems)
    session.add(report)
    session.flush()
    on_report(report, session=session)
    result.imported += 1


@dataclass
class ChaseLine:
    document: str
    code: str
    title: str
    role: str


def queue_chases(as_of: date, *, session: Session, cutoff_day: int, days_before: int, links: ReportLinks,
                 calendar: WorkingCalendar) -> list[str]:
    """Nudge units with open tasks (standing ones included) and no report this period, on the working days
    within `days_before` working days of the cut-off. Once per unit, period and channel."""
    period = as_of.strftime("%Y-%m")
    cutoff = report_cutoff(period, cutoff_day, calendar)
    if as_of > cutoff or not calendar.is_workday(as_of) or calendar.workdays_until(as_of, cutoff) > days_before:
        return []
    take_lock("report-chase", session=session)
    reported = {(r.task_id, r.unit_id) for r in session.exec(select(StatusReport).where(StatusReport.period == period))}
    pending: dict[int, tuple[Unit, list[ChaseLine]]] = {}
    query = (select(Assignment, Task, Unit, Document).join(Task, Task.id == Assignment.task_id)
             .join(Unit, Unit.id == Assignment.unit_id).join(Document, Document.id == Task.document_id)
             .where(Task.removed_at.is_(None), Task.stage.in_(OPEN_STAGES), in_force(as_of))
             .order_by(Unit.name, Task.id))
    for assignment, task, unit, document in session.exec(query):
        if (task.id, unit.id) not in reported:
            line = ChaseLine(document.title, task.code, task.title, assignment.role)
            pending.setdefault(unit.id, (unit, []))[1].append(line)
    channels, queued = unit_channels(session=session), []
    for unit, lines in pending.values():
        for channel in channels.get(unit.id, []):
            queued += enqueue_rendered(f"chase:{unit.slug}:{period}:{channel}", unit, "chase", channel, "chase",
                                       session=session, unit=unit, tasks=lines, period=period, cutoff=cutoff,
                                       link=links.url(unit.slug, period))
    return queued
