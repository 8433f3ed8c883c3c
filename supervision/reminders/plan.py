"""Reminder planning: which unit hears about which task today, as one digest per unit and channel.

Each (task, unit) moves through rungs counted in working days: `before-15`, `before-5`, `before-1`, `due`,
then `overdue-0`, `overdue-5`, … A digest goes out when at least one of the unit's tasks reaches a rung it has
not been told about; it lists every due and overdue task of the unit. A sweep that missed a day catches up
the next working day; nothing is planned on days off. Lead tasks overdue beyond the escalation threshold go
once to the unit's supervisor (a leader or a supervising unit) and to the reform office.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Text, and_, cast, func, or_, select
from sqlmodel import Session

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, ReminderLog, Task, Unit, utcnow
from reformflow.models.bulk import insert_rows
from reformflow.supervision.lifecycle import OPEN_STAGES
from reformflow.supervision.status import in_force


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
    # never in an earlier reminder to the unit: marked 新 (a set: the templates ask it of every line)
    first: frozenset[TaskLine] = frozenset()

    def key(self, as_of: date) -> str:
        return f"reminder:{self.unit.slug}:{as_of.isoformat()}:{self.channel}"


def horizon(as_of: date, policy: ReminderPolicy) -> date:
    """The last day whose deadline has reached the furthest rung today (15 working days ahead by default)."""
    furthest, day = max(policy.before, default=0), as_of
    while policy.calendar.workdays_until(as_of, day + timedelta(days=1)) <= furthest:
        day += timedelta(days=1)
    return day


def _open_tasks(as_of: date, policy: ReminderPolicy) -> ColumnElement[bool]:
    """Open tasks of documents in force on the day, due or with a stated milestone within the horizon."""
    due = func.coalesce(Task.extended_deadline, Task.deadline)
    return and_(Task.removed_at.is_(None), Task.stage.in_(OPEN_STAGES), due.is_not(None),
                or_(due <= horizon(as_of, policy), func.json_array_length(Task.milestones) > 0), in_force(as_of))


def due_lines(as_of: date, policy: ReminderPolicy, session: Session) -> list[tuple[Unit, TaskLine]]:
    """Every open assignment that has reached a rung today, with its unit."""
    # Milestones as their text: most tasks have none, and decoding 40,000 JSON lists was a quarter of the time.
    query = (select(Task.id, Document.source, Document.title, Task.code, Task.title, Task.deadline,
                    Task.extended_deadline, cast(Task.milestones, Text), Assignment.role, Unit.id, Unit.name)
             .join(Task, Task.id == Assignment.task_id).join(Unit, Unit.id == Assignment.unit_id)
             .join(Document, Document.id == Task.document_id)
             .where(_open_tasks(as_of, policy)).order_by(Unit.name, Task.deadline, Task.id))
    session.flush()  # rows read below go past the session: what it holds unwritten must be in the database
    lines = []
    for task_id, source, title, code, task_title, deadline, extended, milestones, role, unit_id, unit_name in (
            session.connection().execute(query)):
        for due, milestone in _dates(extended or deadline, milestones):
            left = policy.calendar.workdays_until(as_of, due)  # cached per deadline by the calendar
            rung = policy.rung(left)
            if rung is None or (milestone and left < 0):
                continue  # a passed milestone is not chased on its own: the final deadline is
            lines.append((unit_id, TaskLine(task_id, source, title, code, task_title, due, left, role,
                                            f"{rung}@{due}" if milestone else rung, unit_id, unit_name, milestone)))
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_({unit_id for unit_id, _ in lines})))}
    return [(units[unit_id], line) for unit_id, line in lines]


def _dates(due: date, milestones: str) -> list[tuple[date, str]]:
    """The deadline in force, and each earlier milestone the document states (`年底前完成…，明年6月底前实现…`)."""
    if milestones in ("[]", ""):
        return [(due, "")]
    stages = [(date.fromisoformat(m["due"]), m["text"]) for m in json.loads(milestones)]
    return [*((day, text) for day, text in stages if day < due), (due, "")]


def _told(as_of: date, policy: ReminderPolicy, session: Session, *rungs: str) -> set[tuple[int, int, str]]:
    """(task, unit, rung) already announced, for the tasks the day's plan can touch only."""
    open_ids = select(Task.id).join(Document, Document.id == Task.document_id).where(_open_tasks(as_of, policy))
    query = select(ReminderLog.task_id, ReminderLog.unit_id, ReminderLog.rung).where(
        ReminderLog.task_id.in_(open_ids), *([ReminderLog.rung.in_(rungs)] if rungs else []))
    return {tuple(row) for row in session.execute(query)}


def plan_reminders(as_of: date, *, session: Session, policy: ReminderPolicy, channels: dict[int, list[str]],
                   lines: list[tuple[Unit, TaskLine]] | None = None) -> list[Digest]:
    if not policy.calendar.is_workday(as_of):
        return []
    told = _told(as_of, policy, session)
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
        first = frozenset(line for line in lines if (line.task_id, unit.id) not in reminded)
        for channel in channels.get(unit.id, []):
            digests.append(Digest(unit, channel, most_urgent.rung, lines, new, first))
    return digests


def record_told(digests: list[Digest], as_of: date, *, session: Session) -> None:
    """Remember the rungs the digests announced, in the same transaction that queues them, in one executemany.
    A unit's digests on several channels announce the same rungs: they are recorded once, with the key of the
    first."""
    rows, done, now = [], set(), utcnow()
    for digest in digests:
        if digest.unit.id in done:
            continue
        done.add(digest.unit.id)
        key = digest.key(as_of)
        rows += [{"task_id": line.task_id, "unit_id": digest.unit.id, "rung": line.rung, "message_key": key,
                  "created_at": now} for line in digest.new]
    insert_rows(session, ReminderLog.__table__, rows)


def overdue_for_escalation(as_of: date, *, session: Session, policy: ReminderPolicy,
                           lines: list[tuple[Unit, TaskLine]] | None = None) -> list[TaskLine]:
    """Lead assignments overdue by at least `escalate_after` working days, not escalated before."""
    if not policy.calendar.is_workday(as_of):
        return []
    told = {(task_id, unit_id) for task_id, unit_id, _ in _told(as_of, policy, session, "escalated")}
    return [line for unit, line in (due_lines(as_of, policy, session) if lines is None else lines)
            if line.role == "lead" and -line.days_left >= policy.escalate_after and (line.task_id, unit.id) not in told]
