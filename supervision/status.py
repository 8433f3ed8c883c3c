"""What the office reads, defined once: a document in force, a task's light, "reported", "overdue", 未报送单位.
The bulletin prints these definitions beside its numbers, and reminders, review and the bulletin all compute them
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlalchemy import func

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Document, TaskStage, TaskStatus
from reformflow.supervision.lifecycle import due_on


def issued(document: Document) -> date:
    """The day a document's tasks come into force: its issue date, or, when it states none, the day it was loaded
    (the office loaded it because it applies). Before that day no unit is told, reminded or chased about its
    tasks and the bulletin does not count them."""
    return document.issued_on or document.imported_at.date()


def in_force(as_of: date):
    """`issued(document) <= as_of`, as a SQL condition on Document."""
    return func.coalesce(Document.issued_on, func.date(Document.imported_at)) <= as_of


class Light(StrEnum):
    CLOSED = "completed"  # 已办结 (the JSON keeps the key `completed`, now meaning 办结 only)
    CLAIMED = "claimed"  # 申请销号，待复核
    OVERDUE = "overdue"  # 红灯
    AT_RISK = "at_risk"  # 黄灯
    ON_TRACK = "on_track"  # 绿灯
    STANDING = "standing"  # 持续推进：no deadline, reported this period
    NO_DEADLINE_UNREPORTED = "no_deadline_unreported"  # 无时限未报送
    UNASSIGNED = "unassigned"  # 待落实：no lead unit
    DRAFT = "draft"  # 待确认：the reading is doubtful; the office checks it before anything is sent


LIGHT_LABELS = {Light.DRAFT: "待确认（识别存疑）",
                Light.CLOSED: "已办结", Light.CLAIMED: "申请销号待复核", Light.OVERDUE: "红灯（逾期）",
                Light.AT_RISK: "黄灯（滞后）", Light.ON_TRACK: "绿灯（按期推进）", Light.STANDING: "持续推进",
                Light.NO_DEADLINE_UNREPORTED: "无时限未报送", Light.UNASSIGNED: "待落实责任单位"}

DEFINITIONS = {
    Light.CLOSED: "改革办复核通过、已销号的任务。单位自报完成而未经复核的，不计为已办结。",
    Light.CLAIMED: ("牵头单位已申请销号、等待改革办复核的任务（不计为逾期）。"
                    "配合单位报告完成的是其分工部分，不作销号申请。"),
    Light.OVERDUE: ("已过完成时限（批准延期的，按延期后的时限）仍未办结的任务。"
                    "逾期天数一律按工作日计（扣除法定节假日，计入调休上班日）。"),
    Light.AT_RISK: "未逾期，但牵头单位报告滞后，或进度落后于时间进度（自文件印发至完成时限已过时间的比例）的任务。",
    Light.ON_TRACK: "有完成时限、未逾期、进度不落后于时间进度的任务。",
    Light.STANDING: "文件未规定完成时限、本期有责任单位报送进展的任务。",
    Light.NO_DEADLINE_UNREPORTED: "文件未规定完成时限、本期没有任何责任单位报送进展的任务（不计为按期推进）。",
    Light.UNASSIGNED: "没有牵头单位的任务，由改革办落实责任单位；不计为按期推进。",
    Light.DRAFT: ("从文件中识别存疑（如扫描件、单位或时限不明）的任务，"
                  "改革办核对确认前不交办、不提醒、不计为按期推进。"),
}
REPORTED = "本期已报送：本月内有责任单位（牵头或配合）就该任务报送了进展。"
UNITS_NOT_REPORTED = ("未报送单位：本期有应报送的任务（已交办、未办结，且所属文件已在本期或以前印发），"
                      "却没有就任何任务报送进展的单位。")
COUNTED_ONCE = "任务数按任务计，一项任务只计一次；单位统计含其牵头和配合的任务。"


class TaskState(Protocol):
    """What a light is judged from: a `Task`, or a row of its columns (the bulletin reads rows, not objects)."""

    stage: str
    status: str
    progress: int
    deadline: date | None
    extended_deadline: date | None


@dataclass(frozen=True)
class Judgement:
    light: Light
    overdue_workdays: int = 0  # working days past the deadline in force, when overdue


def judge(task: TaskState, *, issued: date, as_of: date, reported: bool, calendar: WorkingCalendar) -> Judgement:
    """The task's light as of a day, from its stage, its deadline in force and its reports only."""
    if task.stage == TaskStage.CLOSED:
        return Judgement(Light.CLOSED)
    if task.stage == TaskStage.UNASSIGNED:
        return Judgement(Light.UNASSIGNED)
    if task.stage == TaskStage.DRAFT:
        return Judgement(Light.DRAFT)
    if task.stage == TaskStage.CLAIMED:
        return Judgement(Light.CLAIMED)
    due = due_on(task)
    if due is None:
        return Judgement(Light.STANDING if reported else Light.NO_DEADLINE_UNREPORTED)
    if due < as_of:
        return Judgement(Light.OVERDUE, overdue_workdays(due, as_of, calendar))
    if task.status == TaskStatus.LAGGING or _behind(task, issued, due, as_of):
        return Judgement(Light.AT_RISK)
    return Judgement(Light.ON_TRACK)


def _behind(task: TaskState, issued: date, due: date, as_of: date) -> bool:
    if due <= issued:
        return False
    elapsed = min(1.0, max(0.0, (as_of - issued).days / (due - issued).days))
    return task.progress < elapsed * 100


def overdue_workdays(due: date, as_of: date, calendar: WorkingCalendar) -> int:
    """Working days after the deadline up to the day, as the reminders count them."""
    return max(0, -calendar.workdays_until(as_of, due))
