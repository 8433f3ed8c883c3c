"""Storing extracted documents in the ledger: a revised document updates its tasks, never duplicates them.

Tasks are matched to the stored ones by (document, code) and, when the numbering shifted, by the similarity
of their text. A task that disappears from a revision is marked removed, not deleted, so every status report
filed against it stays on record. Each import that changes something is recorded as a DocumentRevision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sqlmodel import Session, select

from reformflow.models import Document, DocumentRevision, Task, TaskStage, utcnow
from reformflow.parsing import ExtractedDocument, ExtractedTask
from reformflow.parsing.confidence import REVIEW_BELOW

_TRACKED = ("area", "title", "text", "original_text", "deadline", "deadline_text", "deadline_kind",
            "lead_mentions", "co_mentions", "milestones")
# Refreshed on every import, but not a change of the task: how sure the reader was, and where in the file the
# task stands (a task inserted above moves every line below it; counting that made one edit "206 changed").
_REFRESHED = ("confidence", "doubts", "line")
SAME_TASK = 0.5  # same code and at least this similar: the same task, edited
MOVED_TASK = 0.8  # another code but at least this similar: the same task, renumbered


@dataclass
class ImportSummary:
    source: str
    revision: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)  # "5→6"
    unchanged: int = 0

    def describe(self) -> str:
        moved = f", {len(self.renumbered)} renumbered" if self.renumbered else ""
        return (f"{self.source} (revision {self.revision}): {len(self.added)} added, {len(self.changed)} changed"
                f"{moved}, {len(self.removed)} removed, {self.unchanged} unchanged")


def _fields(task: ExtractedTask) -> dict:
    return {
        "area": task.area, "title": task.title, "text": task.text, "original_text": task.original_text,
        "line": task.line, "deadline": task.deadline, "deadline_text": task.deadline_text,
        "deadline_kind": task.deadline_kind, "lead_mentions": task.lead_units, "co_mentions": task.co_units,
        "milestones": [{"due": m.due.isoformat(), "text": m.text} for m in task.milestones],
        "confidence": task.confidence, "doubts": task.doubts,
    }


def document_digest(extracted: ExtractedDocument) -> str:
    payload = "\n".join(f"{t.code}\t{t.text}\t{t.lead_units}\t{t.co_units}\t{t.deadline}" for t in extracted.tasks)
    return hashlib.sha256(f"{extracted.title}\n{payload}".encode()).hexdigest()


def similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= MOVED_TASK * 0.9 else matcher.quick_ratio() * 0.9


def match_tasks(existing: dict[str, Task], incoming: dict[str, ExtractedTask]) -> dict[str, Task]:
    """incoming code → stored task, surest first: the same text under any code (renumbered, same code
    preferred); the same code with the same title or similar text (edited); similar text under another code
    (renumbered and edited), best pairs first. A code whose text and title both changed beyond that is a task
    deleted and another inserted: the old one keeps its reports, none are handed to a stranger."""
    matches: dict[str, Task] = {}
    free = dict(existing)
    by_text: dict[str, list[str]] = {}
    for old_code, old in free.items():
        by_text.setdefault(old.text, []).append(old_code)
    for code, new in incoming.items():
        same = [old_code for old_code in by_text.get(new.text, ()) if old_code in free]
        if same:
            matches[code] = free.pop(code if code in same else same[0])
    for code, new in incoming.items():
        old = free.get(code)
        if code not in matches and old is not None and (
                (old.title and old.title == new.title) or similarity(old.text, new.text) >= SAME_TASK):
            matches[code] = free.pop(code)
    scored = ((similarity(old.text, new.text), code, old_code) for code, new in incoming.items()
              if code not in matches for old_code, old in free.items())
    for _, code, old_code in sorted((pair for pair in scored if pair[0] >= MOVED_TASK), reverse=True):
        if code not in matches and old_code in free:
            matches[code] = free.pop(old_code)
    return matches


def store_document(extracted: ExtractedDocument, *, session: Session) -> ImportSummary:
    """Insert or update one document and its tasks in a single transaction (the caller commits)."""
    digest = document_digest(extracted)
    document = session.exec(select(Document).where(Document.source == extracted.source)).first()
    if document is None:
        document = Document(source=extracted.source, title=extracted.title, year=extracted.year,
                            issued_on=extracted.issued_on, sha256=digest)
        session.add(document)
        session.flush()
    elif document.sha256 != digest:
        document.revision += 1
        document.sha256, document.title = digest, extracted.title
        document.year, document.issued_on, document.imported_at = extracted.year, extracted.issued_on, utcnow()
    summary = ImportSummary(extracted.source, document.revision)
    existing = {t.code: t for t in session.exec(select(Task).where(Task.document_id == document.id))}
    incoming = {t.code: t for t in extracted.tasks}  # a repeated code: the later one wins (flagged on extract)
    matches = match_tasks(existing, incoming)
    matched_ids = {task.id for task in matches.values()}
    gone = {task.id: task.code for task in existing.values() if task.id not in matched_ids}
    _recode(matches, [task for task in existing.values() if task.id in gone], set(incoming), set(existing),
            summary, session=session)
    for code, new in incoming.items():
        _upsert(session, document.id, matches.get(code), new, summary, held=held_for_review(new, extracted))
    for old in existing.values():
        if old.id in gone and old.removed_at is None:
            old.removed_at = old.updated_at = utcnow()
            summary.removed.append(gone[old.id])
    if summary.added or summary.changed or summary.removed or summary.renumbered:
        session.add(DocumentRevision(document_id=document.id, revision=document.revision, added=summary.added,
                                     changed=summary.changed, removed=summary.removed,
                                     renumbered=summary.renumbered))
    session.flush()
    return summary


def _recode(matches: dict[str, Task], gone: list[Task], incoming: set[str], stored: set[str],
            summary: ImportSummary, *, session: Session) -> None:
    """Give matched tasks their new codes, via temporary ones, since two tasks may swap numbers. A task the
    revision dropped gives up its code when another task now carries it (a deletion renumbers the rest): it
    keeps its reports under `5（已删除）`, and (document, code) stays unique."""
    moved = {code: (task, task.code) for code, task in matches.items() if task.code != code}
    for task, _ in moved.values():
        task.code = f"~{task.id}"
    taken = stored | incoming
    for task in gone:
        if task.code in incoming:
            retired = f"{task.code}（已删除）"
            task.code = retired if retired not in taken else f"{task.code}（已删除{task.id}）"
            taken.add(task.code)
    session.flush()
    for code, (task, old_code) in moved.items():
        task.code = code
        summary.renumbered.append(f"{old_code}→{code}")
    session.flush()


def held_for_review(task: ExtractedTask, document: ExtractedDocument) -> bool:
    """A reading the office checks before anything is sent: a scan, or a task the reader was unsure of. (A task
    that names no units is not held: nothing can be sent about it, and the office assigns it anyway.)"""
    named = bool(task.lead_units or task.co_units)
    return named and (document.scanned or task.confidence < REVIEW_BELOW)


def _upsert(session: Session, document_id: int, task: Task | None, new: ExtractedTask,
            summary: ImportSummary, *, held: bool) -> None:
    values = _fields(new)
    if task is None:
        stage = TaskStage.DRAFT if held else TaskStage.UNASSIGNED
        session.add(Task(document_id=document_id, code=new.code, stage=stage, **values))
        summary.added.append(new.code)
        return
    for name in _REFRESHED:
        setattr(task, name, values[name])
    changed = [name for name in _TRACKED if getattr(task, name) != values[name]]
    if changed or task.removed_at is not None:
        for name in changed:
            setattr(task, name, values[name])
        task.removed_at, task.updated_at = None, utcnow()
        summary.changed.append(new.code)
    else:
        summary.unchanged += 1
