"""What a unit's page shows: its tasks grouped by urgency (overdue, due soon, the rest), each with its light,
its reports this period, and, where it leads, what its co-units filed; the period's report cut-off.

A clerk with 23 tasks sees 23 one-line summaries, the overdue ones first, and opens the one to report on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Dispute, Document, Evidence, StatusReport, Task, TaskStage, Unit
from reformflow.supervision.lifecycle import OPEN_STAGES
from reformflow.supervision.reports.periods import period_start
from reformflow.supervision.status import DEFINITIONS, LIGHT_LABELS, Light, judge

GROUPS = {"overdue": "已逾期", "due_soon": "近期到期", "rest": "其他任务"}
SHORT_LIGHTS = {Light.OVERDUE: "逾期", Light.AT_RISK: "黄灯", Light.ON_TRACK: "绿灯", Light.CLAIMED: "待复核",
                Light.CLOSED: "已办结", Light.UNASSIGNED: "待落实", Light.DRAFT: "待确认"}
# The form's fields, as the error summary at the top names them and links to them.
FIELDS = {"status": ("status", "任务状态"), "progress": ("progress", "进度"), "narrative": ("narrative", "进展情况"),
          "problems": ("problems", "存在问题"), "next_steps": ("next", "下步计划"),
          "requested_deadline": ("requested", "申请延期至"), "evidence": ("evidence", "佐证材料")}


@dataclass
class Card:
    task: Task
    document: Document
    role: str
    acknowledged: object
    dispute: Dispute | None
    light: Light
    light_label: str  # the full label, shown when the task is opened
    badge: str  # the short one on the collapsed line
    due_label: str
    group: str
    mine: list = field(default_factory=list)  # (report, [evidence]) of this unit, newest first
    others: list = field(default_factory=list)  # (report, author, [evidence]) of the other units, for a lead


def as_of_for(period: str, today: date) -> date:
    """Lights as of today, or as of the period's last day for a page about a month already over."""
    start = period_start(period)
    last = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return min(today, last)


def cards(session, unit: Unit, period: str, *, as_of: date, calendar: WorkingCalendar,
          due_soon_workdays: int) -> dict[str, list[Card]]:
    """The unit's tasks by group, most urgent first in each."""
    rows = session.exec(select(Assignment, Task, Document).join(Task, Task.id == Assignment.task_id)
                        .join(Document, Document.id == Task.document_id)
                        .where(Assignment.unit_id == unit.id, Task.removed_at.is_(None),
                               Task.stage.in_((*OPEN_STAGES, TaskStage.CLOSED)))).all()
    reports = _reports(session, [task.id for _, task, _ in rows], period)
    disputes = {d.task_id: d for d in session.exec(select(Dispute).where(Dispute.unit_id == unit.id)
                                                  .order_by(Dispute.raised_at))}
    groups: dict[str, list[Card]] = {name: [] for name in GROUPS}
    for assignment, task, document in rows:
        filed = reports[task.id]
        verdict = judge(task, issued=document.issued_on or document.imported_at.date(), as_of=as_of,
                        reported=bool(filed), calendar=calendar)
        left = calendar.workdays_until(as_of, task.due) if task.due else None
        group = ("overdue" if verdict.light == Light.OVERDUE else
                 "due_soon" if verdict.light in (Light.AT_RISK, Light.ON_TRACK) and left <= due_soon_workdays else
                 "rest")
        badge = (f"逾期{verdict.overdue_workdays}个工作日" if verdict.light == Light.OVERDUE
                 else SHORT_LIGHTS.get(verdict.light) or _no_deadline(task))
        groups[group].append(Card(
            task, document, assignment.role, assignment.acknowledged_at, disputes.get(task.id), verdict.light,
            _light_label(task, verdict.light), badge, _due_label(task, left), group,
            mine=[(r, files) for r, author, files in filed if author.id == unit.id],
            others=[(r, author, files) for r, author, files in filed if author.id != unit.id]
            if assignment.role == "lead" else []))
    for members in groups.values():
        members.sort(key=_urgency)
    return groups


def _urgency(card: Card) -> tuple:
    finished = card.light in (Light.CLAIMED, Light.CLOSED)
    return finished, card.task.due is None, card.task.due or date.max, card.role != "lead", card.task.id


def _no_deadline(task: Task) -> str:
    """Only a document that says 长期坚持 (or 持续推进) makes a standing task; silence is just no deadline."""
    if task.deadline_kind == "standing":
        return task.deadline_text or "长期坚持"
    return "无完成时限"


def _light_label(task: Task, light: Light) -> str:
    if light in (Light.STANDING, Light.NO_DEADLINE_UNREPORTED):
        reported = "本期已有单位报送" if light == Light.STANDING else "本期尚无单位报送"
        return f"{_no_deadline(task)}（{reported}）"
    return LIGHT_LABELS[light]


def _due_label(task: Task, workdays_left: int | None) -> str:
    if task.due is None:
        return "文件规定长期坚持" if task.deadline_kind == "standing" else "文件未规定完成时限"
    text = f"完成时限 {_cn(task.due)}"
    if task.extended_deadline:
        text += f"（已批准延期，原时限 {_cn(task.deadline)}）"
    if workdays_left is not None and workdays_left >= 0:
        text += " · 今日到期" if workdays_left == 0 else f" · 还有 {workdays_left} 个工作日"
    return text


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _reports(session, task_ids: list[int], period: str) -> dict[int, list]:
    """Each task's reports this period, newest first, as (report, author, [evidence])."""
    found = session.exec(select(StatusReport, Unit).join(Unit, Unit.id == StatusReport.unit_id)
                         .where(StatusReport.task_id.in_(task_ids), StatusReport.period == period)
                         .order_by(StatusReport.submitted_at.desc())).all()
    files = defaultdict(list)
    for item in session.exec(select(Evidence).where(Evidence.report_id.in_([r.id for r, _ in found]))
                             .order_by(Evidence.id)):
        files[item.report_id].append(item)
    by_task = defaultdict(list)
    for report, author in found:
        by_task[report.task_id].append((report, author, files[report.id]))
    return by_task


def legend(due_soon_workdays: int) -> list[tuple[str, str]]:
    """The rules behind the lights and the groups, stated where they are shown."""
    lights = [(LIGHT_LABELS[light], DEFINITIONS[light])
              for light in (Light.OVERDUE, Light.AT_RISK, Light.ON_TRACK, Light.CLAIMED, Light.CLOSED)]
    return [*lights, ("近期到期", f"{due_soon_workdays}个工作日内到期、尚未逾期的任务（改革办从这时起发送提醒）。"),
            ("长期坚持 / 无完成时限",
             "文件写明长期坚持（或持续推进）的任务标为长期坚持；文件未写时限的标为无完成时限。")]


def error_summary(groups: dict[str, list[Card]], errors: dict[int, dict[str, str]]) -> list[dict]:
    """One line per refused field, in page order, each linking to its field: the clerk need not scroll."""
    lines = []
    for card in (card for members in groups.values() for card in members):
        for name, message in errors.get(card.task.id, {}).items():
            anchor, label = FIELDS.get(name, (name, name))
            lines.append({"href": f"#{anchor}-{card.task.id}", "task": f"{card.task.code}. {card.task.title}",
                          "field": label, "message": message})
    return lines
