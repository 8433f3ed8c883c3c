"""The office's corrections to an extracted document, kept beside the file until it is published.

The console shows a document's tasks before they enter the ledger; what the office corrects (a title, the units,
a deadline) is written next to the file as `<file>.edits.json`. Whoever extracts the file later — the
`ingest-document` flow answering `reformflow.document.received`, or the console itself without a Prefect server —
applies the same corrections, so the ledger holds the tasks as the office confirmed them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from reformflow.parsing.model import ExtractedDocument


class TaskEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    lead_units: list[str]
    co_units: list[str]
    deadline: date | None


class DocumentEdits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: dict[str, TaskEdit] = {}  # task code → the task as the office corrected it


class EditsError(ValueError):
    """A corrections file that cannot be read; the message names it."""


def edits_path(document_path: Path) -> Path:
    return document_path.with_name(document_path.name + ".edits.json")


def read_edits(document_path: Path) -> DocumentEdits:
    path = edits_path(document_path)
    if not path.exists():
        return DocumentEdits()
    try:
        return DocumentEdits.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise EditsError(f"{path.name}: not a valid corrections file: {exc}") from exc


def write_edits(document_path: Path, edits: DocumentEdits) -> None:
    path = edits_path(document_path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(edits.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file


def apply_edits(document: ExtractedDocument, edits: DocumentEdits) -> ExtractedDocument:
    """The document with the office's corrections; a corrected deadline is the office's, stated explicitly."""
    for task in document.tasks:
        edit = edits.tasks.get(task.code)
        if edit is None:
            continue
        task.title, task.lead_units, task.co_units = edit.title, edit.lead_units, edit.co_units
        if edit.deadline != task.deadline:
            task.deadline = edit.deadline
            task.deadline_text = edit.deadline.isoformat() if edit.deadline else None
            task.deadline_kind = "explicit" if edit.deadline else None
    return document


def apply_sidecar_edits(document: ExtractedDocument, document_path: str | Path) -> ExtractedDocument:
    return apply_edits(document, read_edits(Path(document_path)))
