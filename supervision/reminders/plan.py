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
from itertools import groupby
from typing import NamedTuple

from sqlalchemy import ColumnElement, Text, and_, cast, func, or_, select
from sqlmodel import Session

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, ReminderLog, Task, Unit, utcnow
from reformflow.models.bulk import insert_tuples
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


class TaskLine(NamedTuple):
    """One (task, unit, date) line of a digest. A named tuple: a sweep builds 43,000 and asks each whether it
    is 新 (`in Digest.first`), and a tuple is built and hashed in C, where a frozen dataclass is not."""

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

    def by_document(self) -> list[tuple[str, list[TaskLine]]]:
        """The lines grouped by document, as Jinja2's `groupby("document")` did (sorted ignoring case, stable),
        at a tenth of its cost: the filter reads each attribute through the template environment."""
        ordered = sorted(self.tasks, key=lambda line: line.document.lower())
        return [(lines[0].document, lines) for lines in
                (list(group) for _, group in groupby(ordered, key=lambda line: line.document.lower()))]


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
    # Few objects per row, and none kept but the line: a sweep reads 43,000 rows, and every container that
    # outlives a young collection brings the next full one (a walk of the whole heap) nearer.
    lines, standing = [], {}  # standing: due date → (working days left, rung); a sweep meets few distinct dates
    for rows in session.connection().execute(query).partitions(2000):
        for task_id, source, title, code, task_title, deadline, extended, milestones, role, unit_id, unit_name in rows:
            for due, milestone in _dates(extended or deadline, milestones):
                if due not in standing:
                    left = policy.calendar.workdays_until(as_of, due)
                    standing[due] = left, policy.rung(left)
                left, rung = standing[due]
                if rung is None or (milestone and left < 0):
                    continue  # a passed milestone is not chased on its own: the final deadline is
                lines.append(TaskLine(task_id, source, title, code, task_title, due, left, role,
                                      f"{rung}@{due}" if milestone else rung, unit_id, unit_name, milestone))
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_({line.unit_id for line in lines})))}
    return [(units[line.unit_id], line) for line in lines]


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
        unit_id = unit.id  # read once: an ORM attribute costs a descriptor call per line
        new = [line for line in lines if (line.task_id, unit_id, line.rung) not in told]
        if not new:
            continue
        most_urgent = min(new, key=lambda line: line.days_left)
        first = frozenset(line for line in lines if (line.task_id, unit_id) not in reminded)
        for channel in channels.get(unit.id, []):
            digests.append(Digest(unit, channel, most_urgent.rung, lines, new, first))
    return digests


def record_told(digests: list[Digest], as_of: date, *, session: Session) -> None:
    """Remember the rungs the digests announced, in the same transaction that queues them, in one executemany.
    A unit's digests on several channels announce the same rungs: they are recorded once, with the key of the
    first."""
    rows, done, now = [], set(), utcnow()
    for digest in digests:
        unit_id = digest.unit.id
        if unit_id in done:
            continue
        done.add(unit_id)
        key = digest.key(as_of)
        rows += [(line.task_id, unit_id, line.rung, key, now) for line in digest.new]
    insert_tuples(session, ReminderLog.__table__, ["task_id", "unit_id", "rung", "message_key", "created_at"], rows)


def overdue_for_escalation(as_of: date, *, session: Session, policy: ReminderPolicy,
                           lines: list[tuple[Unit, TaskLine]] | None = None) -> list[TaskLine]:
    """Lead assignments overdue by at least `escalate_after` working days, not escalated before."""
    if not policy.calendar.is_workday(as_of):
        return []
    told = {(task_id, unit_id) for task_id, unit_id, _ in _told(as_of, policy, session, "escalated")}
    return [line for unit, line in (due_lines(as_of, policy, session) if lines is None else lines)
            if line.role == "lead" and -line.days_left >= policy.escalate_after and (line.task_id, unit.id) not in told]
