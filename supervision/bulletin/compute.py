"""The monthly bulletin's numbers (月度通报): one computed result that every rendering shows.

Traffic light per task: completed (已完成); red when past its deadline; yellow when its progress lags the
share of time elapsed between the document's issue date and the deadline (or its lead reports 滞后);
green otherwise, standing tasks included. A task is "not reported" when no responsible unit filed a
report for the period and it is not completed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from reformflow.models import Assignment, Document, StatusReport, Task, Unit

RULES = ("绿灯：按计划推进；黄灯：进度落后于时间进度（自文件印发至完成时限已过时间的比例），或牵头单位报告滞后；"
         "红灯：已超过完成时限仍未完成。长期坚持类任务无完成时限，按报送情况判断。"
         "单位统计包含其牵头和配合的全部任务；未报送指本期无任何责任单位报送且尚未完成的任务。")


def _light(task: Task, start: date, as_of: date) -> str:
    if task.status == "completed":
        return "completed"
    if task.due and task.due < as_of:
        return "overdue"
    if task.status == "lagging":
        return "at_risk"
    if task.due and task.due > start:
        elapsed = min(1.0, max(0.0, (as_of - start).days / (task.due - start).days))
        if task.progress < elapsed * 100:
            return "at_risk"
    return "on_track"


def _counter() -> dict[str, int]:
    return {"tasks": 0, "completed": 0, "on_track": 0, "at_risk": 0, "overdue": 0, "not_reported": 0}


def compute_bulletin(period: str, as_of: date, *, session: Session) -> dict:
    rows = list(session.exec(select(Task, Document).join(Document, Document.id == Task.document_id)
                             .where(Task.removed_at.is_(None)).order_by(Document.source, Task.id)))
    units = {u.id: u for u in session.exec(select(Unit))}
    assignments = defaultdict(list)
    for a in session.exec(select(Assignment)):
        assignments[a.task_id].append(a)
    reports = list(session.exec(select(StatusReport).where(StatusReport.period == period)))
    reported = {(r.task_id, r.unit_id) for r in reports}
    totals, per_area, per_doc = _counter(), defaultdict(_counter), defaultdict(_counter)
    per_unit: dict[int, dict] = {}
    overdue, tasks_out, labels = [], [], {}
    for task, document in rows:
        labels[task.id] = {"source": document.source, "code": task.code, "title": task.title}
        start = document.issued_on or document.imported_at.date()
        light = _light(task, start, as_of)
        task_reported = any((task.id, a.unit_id) in reported for a in assignments[task.id])
        not_reported = light != "completed" and not task_reported
        for bucket in (totals, per_area[task.area or "（未分类）"], per_doc[document.title]):
            bucket["tasks"] += 1
            bucket[light] += 1
            bucket["not_reported"] += not_reported
        leads = [units[a.unit_id].name for a in assignments[task.id] if a.role == "lead"]
        for a in assignments[task.id]:
            _count_unit(per_unit, units[a.unit_id], a.role, light, (task.id, a.unit_id) in reported)
        if light == "overdue":
            overdue.append({"source": document.source, "code": task.code, "title": task.title,
                            "deadline": task.due.isoformat(), "days_overdue": (as_of - task.due).days,
                            "lead_units": leads})
        tasks_out.append({"source": document.source, "code": task.code, "title": task.title, "light": light,
                          "status": task.status, "progress": task.progress, "lead_units": leads,
                          "deadline": task.deadline.isoformat() if task.deadline else None,
                          "reported": task_reported})
    extras = {"completed_this_period": _reports_with(reports, "completed", units, labels),
              "extension_requests": _reports_with(reports, "extension_requested", units, labels),
              "areas": [{"area": k, **v} for k, v in sorted(per_area.items())],
              "documents": [{"document": k, **v} for k, v in sorted(per_doc.items())],
              "tasks": tasks_out}
    return _assemble(period, as_of, totals, per_unit, overdue, extras)


def _count_unit(per_unit: dict, unit: Unit, role: str, light: str, reported: bool) -> None:
    entry = per_unit.setdefault(unit.id, {"unit": unit.name, "lead_tasks": 0, "co_tasks": 0, "completed": 0,
                                          "on_track": 0, "at_risk": 0, "overdue": 0, "not_reported": 0})
    entry[f"{role}_tasks"] += 1
    entry[light] += 1
    entry["not_reported"] += light != "completed" and not reported


def _assemble(period: str, as_of: date, totals: dict, per_unit: dict, overdue: list, extras: dict) -> dict:
    unit_rows = list(per_unit.values())
    for row in unit_rows:
        row["completion_rate"] = round(row["completed"] / (row["lead_tasks"] + row["co_tasks"]), 4)
    unit_rows.sort(key=lambda r: (-r["completion_rate"], r["overdue"], r["unit"]))
    for rank, row in enumerate(unit_rows, start=1):
        row["rank"] = rank
    overdue.sort(key=lambda r: (-r["days_overdue"], r["source"], r["code"]))
    return {
        "period": period, "as_of": as_of.isoformat(), "totals": totals, "units": unit_rows, "overdue": overdue,
        "units_not_reported": [r["unit"] for r in unit_rows if r["not_reported"]],
        **extras,
        "rules": RULES,
    }


def _reports_with(reports: list[StatusReport], status: str, units: dict[int, Unit], labels: dict) -> list[dict]:
    return [{**labels[r.task_id], "unit": units[r.unit_id].name, "progress": r.progress,
             "narrative": r.narrative, "submitted_at": r.submitted_at.date().isoformat()}
            for r in sorted(reports, key=lambda r: (r.submitted_at, r.id)) if r.status == status]
