"""Storing extracted documents in the ledger: a revised document updates its tasks, never duplicates them.

Tasks are matched by (document, code). A task that disappears from a revision is marked removed, not
deleted, so every status report filed against it stays on record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Document, Task, utcnow
from parsing import ExtractedDocument, ExtractedTask

_TRACKED = ("area", "title", "text", "original_text", "line", "deadline", "deadline_text", "deadline_kind",
            "lead_mentions", "co_mentions")


@dataclass
class ImportSummary:
    source: str
    revision: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def describe(self) -> str:
        return (f"{self.source} (revision {self.revision}): {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed, {self.unchanged} unchanged")


def _fields(task: ExtractedTask) -> dict:
    return {
        "area": task.area, "title": task.title, "text": task.text, "original_text": task.original_text,
        "line": task.line, "deadline": task.deadline, "deadline_text": task.deadline_text,
        "deadline_kind": task.deadline_kind, "lead_mentions": task.lead_units, "co_mentions": task.co_units,
    }


def document_digest(extracted: ExtractedDocument) -> str:
    payload = "\n".join(f"{t.code}\t{t.text}\t{t.lead_units}\t{t.co_units}\t{t.deadline}" for t in extracted.tasks)
    return hashlib.sha256(f"{extracted.title}\n{payload}".encode()).hexdigest()


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
    for code, new in incoming.items():
        _upsert(session, document.id, existing.get(code), new, summary)
    for code, old in existing.items():
        if code not in incoming and old.removed_at is None:
            old.removed_at = old.updated_at = utcnow()
            summary.removed.append(code)
    session.flush()
    return summary


def _upsert(session: Session, document_id: int, task: Task | None, new: ExtractedTask,
            summary: ImportSummary) -> None:
    values = _fields(new)
    if task is None:
        session.add(Task(document_id=document_id, code=new.code, **values))
        summary.added.append(new.code)
        return
    changed = [name for name in _TRACKED if getattr(task, name) != values[name]]
    if changed or task.removed_at is not None:
        for name in changed:
            setattr(task, name, values[name])
        task.removed_at, task.updated_at = None, utcnow()
        summary.changed.append(new.code)
    else:
        summary.unchanged += 1
