"""交办 and 签收: each unit is told once of the tasks newly assigned to it, as lead or co, with its link; a unit
that has not acknowledged a task within N working days is chased once for it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Assignment, Document, MessageKind, ReminderLog, Task, Unit
from reformflow.notifications.outbox import enqueue_rendered, unit_channels
from reformflow.supervision.lifecycle import OPEN_STAGES
from reformflow.supervision.reports.links import ReportLinks
from reformflow.supervision.status import in_force

ACK_CHASED = "ack-chase"  # the ReminderLog rung that marks a (task, unit) chased for its acknowledgement


@dataclass(frozen=True)
class NoticeLine:
    document: str
    code: str
    title: str
    role: str
    deadline: date | None
    notified: date | None = None


def _open_assignments(session: Session, as_of: date, *condition):
    """Assignments of tasks in the lifecycle, of documents already issued on the day."""
    query = (select(Assignment, Task, Unit, Document).join(Task, Task.id == Assignment.task_id)
             .join(Unit, Unit.id == Assignment.unit_id).join(Document, Document.id == Task.document_id)
             .where(Task.removed_at.is_(None), Task.stage.in_(OPEN_STAGES),
                    in_force(as_of), *condition)
             .order_by(Unit.name, Document.source, Task.id))
    return session.exec(query)


def queue_assignment_notices(as_of: date, *, session: Session, links: ReportLinks, within: int) -> list[str]:
    """交办通知: one per unit and channel for its assignments not yet notified; returns the keys queued."""
    pending: dict[int, tuple[Unit, list[tuple[Assignment, NoticeLine]]]] = {}
    for assignment, task, unit, document in _open_assignments(session, as_of, Assignment.notified_at.is_(None)):
        line = NoticeLine(document.title, task.code, task.title, assignment.role, task.due)
        pending.setdefault(unit.id, (unit, []))[1].append((assignment, line))
    channels, office, queued = unit_channels(session=session), _office_name(session), []
    stamp = datetime.combine(as_of, time(), UTC)
    for unit, items in pending.values():
        if not channels.get(unit.id):
            continue  # nobody to tell: the unit stays un-notified (and is not chased) until it has a contact
        ids = ",".join(str(a.id) for a, _ in items)
        batch = hashlib.sha256(ids.encode()).hexdigest()[:12]  # the same assignments make the same notice
        for channel in channels[unit.id]:
            queued += enqueue_rendered(f"assignment:{unit.slug}:{batch}:{channel}", unit, MessageKind.ASSIGNMENT,
                                       channel, "assignment", session=session, unit=unit, as_of=as_of,
                                       tasks=[line for _, line in items], within=within, office_name=office,
                                       link=links.url(unit.slug, as_of.strftime("%Y-%m")))
        for assignment, _ in items:
            assignment.notified_at = stamp
            session.add(assignment)
    return queued


def queue_acknowledgement_chases(as_of: date, *, session: Session, calendar: WorkingCalendar, within: int,
                                 links: ReportLinks) -> list[str]:
    """签收催办: units that have not acknowledged a task `within` working days after its 交办, once per task."""
    if not calendar.is_workday(as_of):
        return []
    chased = {(r.task_id, r.unit_id) for r in session.exec(select(ReminderLog).where(ReminderLog.rung == ACK_CHASED))}
    late: dict[int, tuple[Unit, list[tuple[int, NoticeLine]]]] = defaultdict(lambda: (None, []))
    for assignment, task, unit, document in _open_assignments(session, as_of, Assignment.notified_at.is_not(None),
                                                              Assignment.acknowledged_at.is_(None)):
        notified = assignment.notified_at.date()
        if (task.id, unit.id) in chased or calendar.workdays_until(notified, as_of) < within:
            continue
        line = NoticeLine(document.title, task.code, task.title, assignment.role, task.due, notified)
        late[unit.id] = (unit, [*late[unit.id][1], (task.id, line)])
    channels, office, queued = unit_channels(session=session), _office_name(session), []
    for unit, items in late.values():
        key = f"ack-chase:{unit.slug}:{as_of.isoformat()}"
        for channel in channels.get(unit.id, []):
            queued += enqueue_rendered(f"{key}:{channel}", unit, MessageKind.ACKNOWLEDGEMENT_CHASE, channel,
                                       "ack_chase", session=session, unit=unit, as_of=as_of, within=within,
                                       tasks=[line for _, line in items], office_name=office,
                                       link=links.url(unit.slug, as_of.strftime("%Y-%m")))
        session.add_all(ReminderLog(task_id=task_id, unit_id=unit.id, rung=ACK_CHASED, message_key=key)
                        for task_id, _ in items)
    return queued


def _office_name(session: Session) -> str:
    office = session.exec(select(Unit).where(Unit.is_office)).first()
    return office.name if office else "改革办"
