"""Units and assignments: the directory mirrored into the ledger, each task's mentions turned into lead/co
assignments. Running it twice changes nothing; a changed document or directory changes only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Assignment, Contact, Document, Task, Unit
from supervision.directory import Directory


@dataclass
class ReviewItem:
    source: str
    code: str
    mention: str
    reason: str


@dataclass
class AssignSummary:
    added: list[str] = field(default_factory=list)  # "source#code → unit (role)"
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    tasks_without_units: int = 0

    def describe(self) -> str:
        return (f"assignments: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed; "
                f"{len(self.review)} mentions to review; {self.tasks_without_units} tasks name no units")


def sync_units(directory: Directory, *, session: Session) -> dict[str, Unit]:
    """Make the ledger's units and contacts match the directory file; returns units by name."""
    units = {u.name: u for u in session.exec(select(Unit))}
    office = directory.data.office
    entries = [(office.name, "reform-office", True, None, None, office.contacts)]
    entries += [(u.name, u.id, False, u.person_in_charge, u.supervisor, u.contacts) for u in directory.data.units]
    for name, slug, is_office, person, supervisor, contacts in entries:
        unit = units.get(name) or Unit(name=name, slug=slug)
        unit.slug, unit.is_office, unit.person_in_charge, unit.supervisor = slug, is_office, person, supervisor
        session.add(unit)
        session.flush()
        units[name] = unit
        _sync_contacts(unit, {c.channel: c.url for c in contacts}, session=session)
    return units


def _sync_contacts(unit: Unit, wanted: dict[str, str], *, session: Session) -> None:
    current = {c.channel: c for c in session.exec(select(Contact).where(Contact.unit_id == unit.id))}
    for channel, contact in current.items():
        if channel not in wanted:
            session.delete(contact)
    for channel, url in wanted.items():
        contact = current.get(channel) or Contact(unit_id=unit.id, channel=channel, url=url)
        contact.url = url
        session.add(contact)


def _wanted(task: Task, directory: Directory, units: dict[str, Unit], source: str,
            summary: AssignSummary) -> dict[int, tuple[str, str]]:
    """unit id → (role, mention). A unit named as lead and as co is lead."""
    wanted: dict[int, tuple[str, str]] = {}
    for role, mentions in (("lead", task.lead_mentions), ("co", task.co_mentions)):
        for mention in mentions:
            resolution = directory.resolve(mention)
            if resolution.problem:
                summary.review.append(ReviewItem(source, task.code, mention, resolution.problem))
            for name in resolution.units:
                wanted.setdefault(units[name].id, (role, mention))
    return wanted


def assign_tasks(directory: Directory, *, session: Session) -> AssignSummary:
    """Create, update and remove assignments so that they match the tasks' mentions and the directory."""
    units = sync_units(directory, session=session)
    names = {u.id: u.name for u in units.values()}
    summary = AssignSummary()
    sources = {d.id: d.source for d in session.exec(select(Document))}
    for task in session.exec(select(Task).where(Task.removed_at.is_(None)).order_by(Task.id)):
        source = sources[task.document_id]
        if not task.lead_mentions and not task.co_mentions:
            summary.tasks_without_units += 1
        wanted = _wanted(task, directory, units, source, summary)
        current = {a.unit_id: a for a in session.exec(select(Assignment).where(Assignment.task_id == task.id))}
        label = f"{source}#{task.code}"
        for unit_id, assignment in current.items():
            if unit_id not in wanted:
                session.delete(assignment)
                summary.removed.append(f"{label} → {names.get(unit_id, unit_id)}: no longer named")
        for unit_id, (role, mention) in wanted.items():
            assignment = current.get(unit_id)
            if assignment is None:
                session.add(Assignment(task_id=task.id, unit_id=unit_id, role=role, mention=mention))
                summary.added.append(f"{label} → {names[unit_id]} ({role})")
            elif assignment.role != role:
                summary.changed.append(f"{label} → {names[unit_id]}: {assignment.role} → {role}")
                assignment.role, assignment.mention = role, mention
                session.add(assignment)
    session.flush()
    return summary
