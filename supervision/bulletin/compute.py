"""The monthly bulletin's numbers (月度通报): one computed result that every rendering shows.

Every number uses the definitions of `supervision.status`, which the bulletin prints beside them. The bulletin
of a month is computed as of the month's last day (or as of today, for the month in progress), so re-running it
later changes nothing unless the ledger changed.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, Review, Role, StatusReport, Task, TaskStage, TaskStatus, Unit
from reformflow.supervision.bulletin.areas import canonical_areas
from reformflow.supervision.lifecycle import issued
from reformflow.supervision.status import (
    COUNTED_ONCE,
    DEFINITIONS,
    LIGHT_LABELS,
    REPORTED,
    UNITS_NOT_REPORTED,
    Light,
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


@dataclass
class _Ledger:
    rows: list[tuple[Task, Document]]
    units: dict[int, Unit]
    assignments: dict[int, list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    reports: list[StatusReport] = field(default_factory=list)
    accepted: list[StatusReport] = field(default_factory=list)
    claims: list[StatusReport] = field(default_factory=list)  # unreviewed completion claims, of any month


def _load(period: str, as_of: date, session: Session, zone: ZoneInfo) -> _Ledger:
    rows = [(t, d) for t, d in session.exec(select(Task, Document).join(Document, Document.id == Task.document_id)
                                            .where(Task.removed_at.is_(None)).order_by(Document.source, Task.id))
            if issued(d) <= as_of]
    ledger = _Ledger(rows, {u.id: u for u in session.exec(select(Unit))})
    for assignment in session.exec(select(Assignment)):
        ledger.assignments[assignment.task_id].append(assignment)
    ledger.reports = list(session.exec(select(StatusReport).where(StatusReport.period == period)
                                       .order_by(StatusReport.submitted_at, StatusReport.id)))
    # 本期办结: accepted within the month, in the office's time zone (07:30 on 1 July is July, not June).
    ledger.accepted = [r for r in session.exec(select(StatusReport).where(StatusReport.review == Review.ACCEPTED))
                       if r.reviewed_at and r.reviewed_at.astimezone(zone).strftime("%Y-%m") == period]
    ledger.claims = list(session.exec(select(StatusReport).where(StatusReport.status == TaskStatus.COMPLETED,
                                                                 StatusReport.review.is_(None))
                                      .order_by(StatusReport.submitted_at, StatusReport.id)))
    return ledger


def compute_bulletin(period: str, as_of: date, *, session: Session, calendar: WorkingCalendar,
                     zone: ZoneInfo = CHINA) -> dict:
    as_of = min(as_of, period_end(period))
    ledger = _load(period, as_of, session, zone)
    reported = {(r.task_id, r.unit_id) for r in ledger.reports}
    areas = canonical_areas([t.area or "" for t, _ in ledger.rows])
    totals, per_area, per_doc, per_unit = _counter(), defaultdict(_counter), defaultdict(_counter), {}
    overdue, tasks_out = [], []
    for task, document in ledger.rows:
        assigned = ledger.assignments[task.id]
        task_reported = any((task.id, a.unit_id) in reported for a in assigned)
        verdict = judge(task, issued=issued(document), as_of=as_of, reported=task_reported, calendar=calendar)
        due_report = verdict.light not in (Light.CLOSED, Light.UNASSIGNED, Light.DRAFT)
        for bucket in (totals, per_area[areas[task.area or ""]], per_doc[document.title]):
            bucket["tasks"] += 1
            bucket[verdict.light] += 1
            bucket["not_reported"] += due_report and not task_reported
        for a in assigned:
            _count_unit(per_unit, ledger.units[a.unit_id], a.role, verdict.light, due_report,
                        (task.id, a.unit_id) in reported)
        leads = [ledger.units[a.unit_id].name for a in assigned if a.role == Role.LEAD]
        line = {"document": document.title, "source": document.source, "code": task.code, "title": task.title,
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
    return _assemble(period, as_of, totals, per_unit, overdue, {
        "areas": [{"area": k, **v} for k, v in sorted(per_area.items())],
        "documents": [{"document": k, **v} for k, v in sorted(per_doc.items())],
        "tasks": tasks_out, **_decisions(ledger)})


def _counter() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def _count_unit(per_unit: dict, unit: Unit, role: str, light: Light, due_report: bool, reported: bool) -> None:
    entry = per_unit.setdefault(unit.id, {"unit": unit.name, "lead_tasks": 0, "co_tasks": 0, **_counter(),
                                          "due_report": 0, "reported": 0})
    entry["tasks"] += 1
    entry[f"{role}_tasks"] += 1
    entry[light] += 1
    entry["due_report"] += due_report
    entry["reported"] += reported
    entry["not_reported"] += due_report and not reported


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
    tasks = {t.id: (t, d) for t, d in ledger.rows}

    def line(report: StatusReport) -> dict:
        task, document = tasks[report.task_id]
        return {"document": document.title, "code": task.code, "title": task.title,
                "unit": ledger.units[report.unit_id].name, "progress": report.progress,
                "narrative": report.narrative, "submitted_at": report.submitted_at.date().isoformat(),
                "requested_deadline": report.requested_deadline.isoformat() if report.requested_deadline else None,
                "review": report.review}

    closed = {r.task_id: line(r) for r in ledger.accepted if r.task_id in tasks}
    leads = {(a.task_id, a.unit_id) for items in ledger.assignments.values() for a in items if a.role == Role.LEAD}
    extensions = [line(r) for r in ledger.reports if r.status == TaskStatus.EXTENSION_REQUESTED
                  and (r.task_id, r.unit_id) in leads and r.task_id in tasks]
    claims = {r.task_id: line(r) for r in ledger.claims if r.task_id in tasks  # the latest claim of each task
              and tasks[r.task_id][0].stage == TaskStage.CLAIMED and (r.task_id, r.unit_id) in leads}
    return {"completed_this_period": list(closed.values()), "claims_pending": list(claims.values()),
            "extension_requests": extensions}
