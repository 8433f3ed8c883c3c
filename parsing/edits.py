"""The office's corrections to an extracted document, kept beside the file until it is published.

The console shows a document's tasks before they enter the ledger; what the office corrects (a title, the units,
a deadline) and how it splits or merges tasks is written next to the file as `<file>.edits.json`. Whoever
extracts the file later — the `ingest-document` flow answering `reformflow.document.received`, or the console
itself without a Prefect server — applies the same corrections,
so the ledger holds the tasks as the office confirmed them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from reformflow.parsing.model import ExtractedDocument, ExtractedTask

NUMERALS = "一二三四五六七八九十"


class TaskEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    lead_units: list[str]
    co_units: list[str]
    deadline: date | None


class DocumentEdits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: dict[str, TaskEdit] = {}  # task code (after merges and splits) → the task as the office corrected it
    merges: dict[str, list[str]] = {}  # kept task code → the codes merged into it, in document order
    splits: dict[str, list[str]] = {}  # task code (after merges) → the texts of its parts


class EditsError(ValueError):
    """A corrections file that cannot be read or applied; the message names the file or the task."""


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
    """The document with the office's merges, then splits, then corrections (which may name a split's parts)."""
    restructure(document, edits)
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


def restructure(document: ExtractedDocument, edits: DocumentEdits) -> ExtractedDocument:
    """Only the merges and splits: the tasks the office corrects, as the console shows them."""
    document.tasks = _split(_merge(document.tasks, edits.merges), edits.splits)
    return document


def _merge(tasks: list[ExtractedTask], merges: dict[str, list[str]]) -> list[ExtractedTask]:
    by_code = {task.code: task for task in tasks}
    seen: set[str] = set()
    for kept, merged in merges.items():
        for code in [kept, *merged]:
            if code not in by_code:
                raise EditsError(f"第{code}项不存在，无法合并。")
        for code in merged:
            if code == kept:
                raise EditsError(f"第{code}项不能并入自身。")
            # Merged twice, or merged away while other tasks are merged into it: which one it joins is unclear.
            if code in seen or code in merges:
                raise EditsError(f"第{code}项被合并了两次。")
            seen.add(code)
    order = {task.code: i for i, task in enumerate(tasks)}
    joined = {kept: _joined([by_code[c] for c in sorted({kept, *merged}, key=order.get)], by_code[kept])
              for kept, merged in merges.items()}
    return [joined.get(task.code, task) for task in tasks if task.code not in seen]


def _joined(parts: list[ExtractedTask], kept: ExtractedTask) -> ExtractedTask:
    dated = kept if kept.deadline else next((t for t in parts if t.deadline), kept)  # the kept task's comes first
    lead = _union(t.lead_units for t in parts)
    co = [unit for unit in _union(t.co_units for t in parts) if unit not in lead]  # a lead unit is not also co
    return replace(kept, text="\n".join(t.text for t in parts),
                   original_text="\n".join(t.original_text for t in parts),
                   lead_units=lead, co_units=co,
                   deadline=dated.deadline, deadline_text=dated.deadline_text, deadline_kind=dated.deadline_kind,
                   milestones=[m for t in parts for m in t.milestones], confidence=min(t.confidence for t in parts),
                   doubts=_union(t.doubts for t in parts))


def _union(lists) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


def _split(tasks: list[ExtractedTask], splits: dict[str, list[str]]) -> list[ExtractedTask]:
    codes = {task.code for task in tasks}
    for code, parts in splits.items():
        if code not in codes:
            raise EditsError(f"第{code}项不存在，无法拆分。")
        if len([p for p in parts if p.strip()]) < 2:
            raise EditsError(f"第{code}项至少要拆分为两部分（各部分之间空一行）。")
    result = []
    for task in tasks:
        parts = [p.strip() for p in splits.get(task.code, []) if p.strip()]
        result += [replace(task, code=f"{task.code}.{i}", title=f"{task.title}{numeral(i)}", text=part,
                           lead_units=list(task.lead_units), co_units=list(task.co_units))
                   for i, part in enumerate(parts, 1)] or [task]
    return result


def numeral(n: int) -> str:
    return f"（{NUMERALS[n - 1]}）" if n <= len(NUMERALS) else f"（{n}）"


def apply_sidecar_edits(document: ExtractedDocument, document_path: str | Path) -> ExtractedDocument:
    return apply_edits(document, read_edits(Path(document_path)))
