"""Reminder planning: which unit hears about which task today, as one digest per unit and channel.

Each (task, unit) moves through rungs counted in working days: `before-15`, `before-5`, `before-1`, `due`,
then `overdue-0`, `overdue-5`, … A digest goes out when at least one of the unit's tasks reaches a rung it has
not been told about; it lists every due and overdue task of the unit. A sweep that missed a day catches up
the next working day; nothing is planned on days off. Lead tasks overdue beyond the escalation threshold go
once to the unit's supervisor (a leader or a supervising unit) and to the reform office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, ReminderLog, Task, Unit
from reformflow.supervision.lifecycle import OPEN_STAGES, in_force


@dataclass(frozen=True)
class ReminderPolicy:
    calendar: WorkingCalendar
    before: tuple[int, ...] = (15, 5, 1, 0)
    overdue_every: int = 5
    escalate_after: int = 10

    def rung(self, workdays_left: int) -> str | None:
        if workdays_left < 0:
            overdue = -workdays_left
            return f"overdue-{((overdue - 1) // self.overdue_every) * self.overdue_every}"
        if workdays_left == 0:
            return "due"
        reached = [d for d in sorted(self.before) if d > 0 and workdays_left <= d]
        return f"before-{reached[0]}" if reached else None


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    source: str
    document: str
    code: str
    title: str
    deadline: date
    days_left: int  # working days; negative when overdue
    role: str
    rung: str
    unit_id: int = 0
    unit_name: str = ""
    milestone: str = ""  # the stated stage (阶段目标) this line is about, when it is not the final deadline


@dataclass
class Digest:
    unit: Unit
    channel: str
    rung: str  # the most urgent new rung of the digest
    tasks: list[TaskLine] = field(default_factory=list)
    new: list[TaskLine] = field(default_factory=list)  # reached a rung the unit was not told about
    first: list[TaskLine] = field(default_factory=list)  # never in an earlier reminder to the unit: marked 新

    def key(self, as_of: date) -> str:
        return f"reminder:{self.unit.slug}:{as_of.isoformat()}:{self.channel}"


def _open_assignments(session: Session, as_of: date):
    query = (select(Assignment, Task, Unit, Document)
             .join(Task, Task.id == Assignment.task_id)
             .join(Unit, Unit.id == Assignment.unit_id)
             .join(Document, Document.id == Task.document_id)
             .where(Task.removed_at.is_(None), Task.stage.in_(OPEN_STAGES),
                    or_(Task.deadline.is_not(None), Task.extended_deadline.is_not(None)),
                    in_force(as_of))
             .order_by(Unit.name, Task.deadline, Task.id))
    return session.exec(query)


def due_lines(as_of: date, policy: ReminderPolicy, session: Session) -> list[tuple[Unit, TaskLine]]:
    """Every open assignment that has reached a rung today, with its unit."""
    lines = []
    for assignment, task, unit, document in _open_assignments(session, as_of):
        for due, milestone in _dates(task):
            days_left = policy.calendar.workdays_until(as_of, due)
            rung = policy.rung(days_left)
            if rung is None or (milestone and days_left < 0):
                continue  # a passed milestone is not chased on its own: the final deadline is
            lines.append((unit, TaskLine(task.id, document.source, document.title, task.code, task.title, due,
                                         days_left, assignment.role, f"{rung}@{due}" if milestone else rung,
                                         unit.id, unit.name, milestone)))
    return lines


def _dates(task: Task) -> list[tuple[date, str]]:
    """The deadline in force, and each earlier milestone the document states (`年底前完成…，明年6月底前实现…`)."""
    stages = [(date.fromisoformat(m["due"]), m["text"]) for m in task.milestones]
    return [*((due, text) for due, text in stages if due < task.due), (task.due, "")]


def plan_reminders(as_of: date, *, session: Session, policy: ReminderPolicy, channels: dict[int, list[str]],
                   lines: list[tuple[Unit, TaskLine]] | None = None) -> list[Digest]:
    if not policy.calendar.is_workday(as_of):
        return []
    told = {(r.task_id, r.unit_id, r.rung) for r in session.exec(select(ReminderLog))}
    # 新: never in a deadline reminder before (a 签收 chase or an escalation is not one)
    reminded = {(task_id, unit_id) for task_id, unit_id, rung in told if rung not in ("ack-chase", "escalated")}
    per_unit: dict[int, tuple[Unit, list[TaskLine]]] = {}
    for unit, line in due_lines(as_of, policy, session) if lines is None else lines:
        per_unit.setdefault(unit.id, (unit, []))[1].append(line)
    digests = []
    for unit, lines in per_unit.values():
        new = [line for line in lines if (line.task_id, unit.id, line.rung) not in told]
        if not new:
            continue
        most_urgent = min(new, key=lambda line: line.days_left)
        first = [line for line in lines if (line.task_id, unit.id) not in reminded]
        for channel in channels.get(unit.id, []):
            digests.append(Digest(unit, channel, most_urgent.rung, lines, new, first))
    return digests


def record_told(digest: Digest, key: str, *, session: Session) -> None:
    """Remember the rungs a digest announced, in the same transaction that queues it (one digest per channel
    announces the same rungs: they are recorded once)."""
    # The query flushes what an earlier digest of the unit added (an autoflush empties `session.new`, which is
    # why looking only there let a unit with two contacts record a rung twice and fail the sweep's commit).
    existing = set(session.exec(select(ReminderLog.task_id, ReminderLog.rung).where(
        ReminderLog.unit_id == digest.unit.id, ReminderLog.task_id.in_([line.task_id for line in digest.new]))))
    for line in digest.new:
        if (line.task_id, line.rung) not in existing:
            session.add(ReminderLog(task_id=line.task_id, unit_id=digest.unit.id, rung=line.rung, message_key=key))
            existing.add((line.task_id, line.rung))


def overdue_for_escalation(as_of: date, *, session: Session, policy: ReminderPolicy,
                           lines: list[tuple[Unit, TaskLine]] | None = None) -> list[TaskLine]:
    """Lead assignments overdue by at least `escalate_after` working days, not escalated before."""
    if not policy.calendar.is_workday(as_of):
        return []
    told = {(r.task_id, r.unit_id) for r in session.exec(select(ReminderLog).where(ReminderLog.rung == "escalated"))}
    return [line for unit, line in (due_lines(as_of, policy, session) if lines is None else lines)
            if line.role == "lead" and -line.days_left >= policy.escalate_after and (line.task_id, unit.id) not in told]
