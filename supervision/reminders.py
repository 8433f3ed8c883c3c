"""Reminder planning: which unit hears about which task today, as one digest per unit and channel.

Each (task, unit) moves through rungs: `before-15`, `before-5`, `before-1`, `due`, then `overdue-0`,
`overdue-5`, … A digest goes out when at least one of the unit's tasks reaches a rung it has not been told
about; it lists every due and overdue task of the unit. A sweep that missed a day catches up the next.
Tasks overdue beyond the escalation threshold are reported once to the reform office.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models import Assignment, Document, ReminderLog, Task, Unit
from notifications.outbox import enqueue, unit_channels
from notifications.render import render_message

CLOSED = ("completed",)


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    source: str
    document: str
    code: str
    title: str
    deadline: date
    days_left: int  # negative when overdue
    role: str
    rung: str
    unit_id: int = 0
    unit_name: str = ""


@dataclass
class Digest:
    unit: Unit
    channel: str
    rung: str  # the most urgent new rung of the digest
    tasks: list[TaskLine] = field(default_factory=list)
    new: list[TaskLine] = field(default_factory=list)

    def key(self, as_of: date) -> str:
        return f"reminder:{self.unit.slug}:{as_of.isoformat()}:{self.channel}"


def rung_for(days_left: int, before: list[int], overdue_every: int) -> str | None:
    if days_left < 0:
        overdue = -days_left
        return f"overdue-{(overdue // overdue_every) * overdue_every}"
    if days_left == 0:
        return "due"
    reached = [d for d in sorted(before) if d > 0 and days_left <= d]
    return f"before-{reached[0]}" if reached else None


def _open_assignments(session: Session):
    query = (select(Assignment, Task, Unit, Document)
             .join(Task, Task.id == Assignment.task_id)
             .join(Unit, Unit.id == Assignment.unit_id)
             .join(Document, Document.id == Task.document_id)
             .where(Task.removed_at.is_(None), Task.deadline.is_not(None), Task.status.not_in(CLOSED))
             .order_by(Unit.name, Task.deadline, Task.id))
    return session.exec(query)


def plan_reminders(as_of: date, *, session: Session, before: list[int], overdue_every: int) -> list[Digest]:
    told = {(r.task_id, r.unit_id, r.rung) for r in session.exec(select(ReminderLog))}
    per_unit: dict[int, tuple[Unit, list[TaskLine]]] = {}
    for assignment, task, unit, document in _open_assignments(session):
        days_left = (task.deadline - as_of).days
        rung = rung_for(days_left, before, overdue_every)
        if rung is None:
            continue
        line = TaskLine(task.id, document.source, document.title, task.code, task.title, task.deadline,
                        days_left, assignment.role, rung)
        per_unit.setdefault(unit.id, (unit, []))[1].append(line)
    channels = unit_channels(session=session)
    digests = []
    for unit, lines in per_unit.values():
        new = [line for line in lines if (line.task_id, unit.id, line.rung) not in told]
        if not new:
            continue
        most_urgent = min(new, key=lambda line: line.days_left)
        for channel in channels.get(unit.id, []):
            digests.append(Digest(unit, channel, most_urgent.rung, lines, new))
    return digests


def record_told(digest: Digest, key: str, *, session: Session) -> None:
    """Remember the rungs a digest announced, in the same transaction that queues it."""
    existing = {(r.task_id, r.rung) for r in session.exec(
        select(ReminderLog).where(ReminderLog.unit_id == digest.unit.id))}
    for line in digest.new:
        if (line.task_id, line.rung) not in existing:
            session.add(ReminderLog(task_id=line.task_id, unit_id=digest.unit.id, rung=line.rung, message_key=key))
            existing.add((line.task_id, line.rung))


def overdue_for_escalation(as_of: date, after_days: int, *, session: Session) -> list[TaskLine]:
    """Lead assignments overdue by at least `after_days` that the office has not yet been told about."""
    told = {(r.task_id, r.unit_id) for r in session.exec(select(ReminderLog).where(ReminderLog.rung == "escalated"))}
    lines = []
    for assignment, task, unit, document in _open_assignments(session):
        days_left = (task.deadline - as_of).days
        if assignment.role == "lead" and -days_left >= after_days and (task.id, unit.id) not in told:
            lines.append(TaskLine(task.id, document.source, document.title, task.code, task.title, task.deadline,
                                  days_left,
                                  "lead", "escalated", unit.id, unit.name))
    return lines


@dataclass
class SweepPlan:
    digests: list[Digest]
    escalations: list[TaskLine]
    queued: list[str] = field(default_factory=list)  # idempotency keys of the messages this run queued


def queue_reminders(as_of: date, *, session: Session, before: list[int], overdue_every: int,
                    escalate_after: int) -> SweepPlan:
    """Plan today's digests and escalations and put them in the outbox, all in one transaction."""
    plan = SweepPlan(plan_reminders(as_of, session=session, before=before, overdue_every=overdue_every),
                     overdue_for_escalation(as_of, escalate_after, session=session))
    office = session.exec(select(Unit).where(Unit.is_office)).one()
    for digest in plan.digests:
        key = digest.key(as_of)
        message = render_message("reminder.md.j2", digest=digest, as_of=as_of, office_name=office.name)
        if enqueue(key, digest.unit, "reminder", digest.channel, message, session=session):
            plan.queued.append(key)
        record_told(digest, key, session=session)
    if plan.escalations:
        _queue_escalation(as_of, plan, escalate_after, office, session=session)
    session.commit()
    return plan


def _queue_escalation(as_of: date, plan: SweepPlan, escalate_after: int, office: Unit, *,
                      session: Session) -> None:
    supervisors = {u.id: u.supervisor for u in session.exec(select(Unit))}
    message = render_message("escalation.md.j2", lines=plan.escalations, as_of=as_of,
                             supervisors=supervisors, after_days=escalate_after)
    for channel in unit_channels(session=session).get(office.id, []):
        key = f"escalation:{as_of.isoformat()}:{channel}"
        if enqueue(key, office, "escalation", channel, message, session=session):
            plan.queued.append(key)
    for line in plan.escalations:
        session.add(ReminderLog(task_id=line.task_id, unit_id=line.unit_id, rung="escalated",
                                message_key=f"escalation:{as_of.isoformat()}"))
