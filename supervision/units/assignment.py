"""Units and assignments: the directory mirrored into the ledger, each task's mentions turned into lead/co
assignments. Running it twice changes nothing; a changed document or directory changes only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from reformflow.models import Assignment, Contact, Dispute, Document, Role, Task, Unit
from reformflow.supervision.lifecycle import overrides, settle_assignment
from reformflow.supervision.units.directory import Directory
from reformflow.supervision.units.resolution import Decisions, Resolver


@dataclass
class ReviewItem:
    source: str
    code: str
    mention: str
    reason: str
    candidates: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class AssignSummary:
    added: list[str] = field(default_factory=list)  # "source#code → unit (role)"
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # mentions resolved by fuzzy match, former name or decision
    tasks_without_units: list[tuple[str, str]] = field(default_factory=list)  # (source, code)

    def describe(self) -> str:
        return (f"assignments: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed; "
                f"{len(self.review)} mentions to review; {len(self.tasks_without_units)} tasks have no units")


def sync_units(directory: Directory, *, session: Session) -> dict[str, Unit]:
    """Make the ledger's units and contacts match the directory file; returns units by name."""
    units = {u.name: u for u in session.exec(select(Unit))}
    office = directory.data.office
    entries = [(office.name, "reform-office", "office", None, None, office.contacts)]
    entries += [(lead.name, lead.id, "leader", None, None, lead.contacts) for lead in directory.data.leaders]
    entries += [(u.name, u.id, "agency", u.person_in_charge, u.supervisor, u.contacts) for u in directory.data.units]
    for name, slug, kind, person, supervisor, contacts in entries:
        unit = units.get(name) or Unit(name=name, slug=slug)
        unit.slug, unit.person_in_charge, unit.supervisor = slug, person, supervisor
        unit.is_office, unit.is_leader = kind == "office", kind == "leader"
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


def _wanted(task: Task, document: Document, resolver: Resolver, units: dict[str, Unit],
            summary: AssignSummary) -> dict[int, tuple[str, str]]:
    """unit id → (role, mention). A unit named as lead and as co is lead."""
    wanted: dict[int, tuple[str, str]] = {}
    for role, mentions in (("lead", task.lead_mentions), ("co", task.co_mentions)):
        for mention in mentions:
            found = resolver.resolve(mention, source=document.source, code=task.code, on=document.issued_on)
            if found.problem:
                summary.review.append(ReviewItem(document.source, task.code, mention,
                                                 f"{found.problem}：{found.detail}" if found.detail else found.problem,
                                                 found.candidates))
            elif found.how in ("fuzzy", "former name", "decision"):
                summary.notes.append(f"{document.source}#{task.code}: '{mention}' → {'、'.join(found.units) or '—'}"
                                     f" ({found.how})")
            for name in found.units:
                wanted.setdefault(units[name].id, (role, mention))
    for decision in resolver.decisions.for_task(document.source, task.code):  # confirmed suggestions
        for name in decision.units:
            if name in units:
                wanted.setdefault(units[name].id, (decision.role or "lead", "（办公室确认）"))
    return wanted


def _overridden(wanted: dict[int, tuple[str, str]], disputes: list[Dispute]) -> dict[int, tuple[str, str]]:
    """The office's accepted 异议 outlast the document: the unit stays off the task, the proposed unit leads."""
    for dispute in disputes:
        wanted.pop(dispute.unit_id, None)
        if dispute.proposed_lead_id is not None:
            wanted = {unit: (Role.CO if role == Role.LEAD else role, mention)
                      for unit, (role, mention) in wanted.items()}
            wanted[dispute.proposed_lead_id] = (Role.LEAD, "（异议裁定）")
    return wanted


def assign_tasks(directory: Directory, decisions: Decisions, *, session: Session) -> AssignSummary:
    """Create, update and remove assignments so that they match the tasks' mentions, the directory and the
    office's decisions; a task that gains its lead unit is 交办, one that loses it waits for the office."""
    units = sync_units(directory, session=session)
    names = {u.id: u.name for u in units.values()}
    resolver = Resolver(directory, decisions)
    summary = AssignSummary()
    documents = {d.id: d for d in session.exec(select(Document))}
    # One query for every current assignment: asking per task cost 20,000 queries on a province's ledger.
    existing: dict[int, dict[int, Assignment]] = {}
    for assignment in session.exec(select(Assignment)):
        existing.setdefault(assignment.task_id, {})[assignment.unit_id] = assignment
    disputes = overrides(session=session)
    for task in session.exec(select(Task).where(Task.removed_at.is_(None)).order_by(Task.id)):
        document = documents[task.document_id]
        source = document.source
        wanted = _overridden(_wanted(task, document, resolver, units, summary), disputes.get(task.id, []))
        if not wanted and not task.lead_mentions and not task.co_mentions:
            summary.tasks_without_units.append((source, task.code))
        current = existing.get(task.id, {})
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
        settle_assignment(task, has_lead=any(role == Role.LEAD for role, _ in wanted.values()), session=session)
    session.flush()
    return summary
