"""文件: upload a document, review its extracted tasks (with the reader's confidence), correct, split or merge
them, publish.

An upload waits in a staging folder of its own; nothing enters the ledger until the office publishes it. Its
corrections are kept beside the file (`parsing.edits`). Publishing puts the file and its corrections in the
inbox and announces `reformflow.document.received`, whose `ingest-document` flow extracts, stores and assigns
it; without a Prefect server the console runs those same steps itself. A revised document (same file name)
shows what it would add, change and remove, computed by `store_document` itself and rolled back.
"""

from __future__ import annotations

import copy
import re
import secrets
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from prefect.settings import PREFECT_API_URL
from sqlmodel import Session, select

from reformflow.console.accounts import audit
from reformflow.console.units import directory_and_decisions, reassign
from reformflow.console.web import Refused, console_request, office_transaction, page
from reformflow.core.offices import get_office
from reformflow.flows.events import emit_document_received
from reformflow.models import Document, DocumentRevision
from reformflow.parsing import ExtractedDocument, ExtractionError, extract_file
from reformflow.parsing.edits import (
    DocumentEdits,
    EditsError,
    TaskEdit,
    apply_edits,
    apply_sidecar_edits,
    edits_path,
    numeral,
    read_edits,
    restructure,
    write_edits,
)
from reformflow.parsing.limits import LIMITS
from reformflow.supervision.ledger import ImportSummary, held_for_review, store_document

router = APIRouter()
TOKEN = re.compile(r"[0-9a-f]{32}")


def _staging(office: str) -> Path:
    return get_office(office).data_dir / "console-uploads"


def _staged_file(office: str, token: str) -> Path:
    folder = _staging(office) / token
    files = [p for p in folder.iterdir() if not p.name.endswith((".edits.json", ".tmp"))] \
        if TOKEN.fullmatch(token) and folder.is_dir() else []
    if len(files) != 1:
        raise Refused("没有这份待发布的文件（可能已发布或已放弃）。", 404)
    return files[0]


def _read(path: Path) -> ExtractedDocument:
    try:
        return apply_sidecar_edits(extract_file(path), path)
    except (ExtractionError, ValueError) as exc:
        raise Refused(f"无法从文件“{path.name}”中识别任务：{exc}", 400) from exc


@router.get("/documents")
def documents_page(request: Request, published: str | None = None):
    with console_request(request) as (session, viewer):
        documents = session.exec(select(Document).order_by(Document.imported_at.desc())).all()
        revisions = {r.document_id: r for r in session.exec(select(DocumentRevision)
                                                             .order_by(DocumentRevision.revision))}
    staged = [(folder.name, files[0].name) for folder in sorted(_staging(viewer.office).glob("*"))
              if TOKEN.fullmatch(folder.name)
              and len(files := [p for p in folder.iterdir() if not p.name.endswith((".edits.json", ".tmp"))]) == 1]
    return page(request, "documents.html.j2", viewer, documents=documents, revisions=revisions, staged=staged,
                published=published)


@router.post("/documents/upload")
def upload(request: Request, document: UploadFile | None = None, csrf: Annotated[str, Form()] = ""):
    with console_request(request, admin=True, csrf=csrf) as (session, viewer):
        name = Path(document.filename or "").name if document else ""
        if not name or name.startswith(".") or name.endswith((".edits.json", ".tmp")):
            raise Refused("请选择要上传的文件。", 400)
        content = document.file.read(LIMITS.max_bytes + 1)
        if len(content) > LIMITS.max_bytes:
            raise Refused(f"“{name}”超过 {LIMITS.max_bytes // 1048576} MB，不能上传。", 400)
        folder = _staging(viewer.office) / secrets.token_hex(16)
        folder.mkdir(parents=True)
        (folder / name).write_bytes(content)
        try:
            extracted = _read(folder / name)
        except Refused:
            shutil.rmtree(folder)  # nothing of a file that cannot be read is kept
            raise
        audit(viewer.user.name, "上传文件", name, f"识别任务 {len(extracted.tasks)} 项（待发布）", session=session)
    return RedirectResponse(f"/console/documents/staged/{folder.name}", status_code=303)


def _changes(extracted: ExtractedDocument, office: str) -> tuple[bool, ImportSummary]:
    """Whether the file revises a document of the ledger, and what storing it would do (rolled back)."""
    with office_transaction(office) as session:
        revises = session.exec(select(Document.id).where(Document.source == extracted.source)).first() is not None
        summary = store_document(extracted, session=session)
        session.rollback()
    return revises, summary


@router.get("/documents/staged/{token}")
def staged_page(request: Request, token: str, saved: int | None = None):
    with console_request(request) as (_session, viewer):
        extracted = _read(_staged_file(viewer.office, token))
    return _render(request, viewer, token, extracted, viewer.office, saved=saved)


def _render(request, viewer, token, extracted, office, *, saved=None, errors=None, status=200):
    revises, summary = _changes(extracted, office)
    held = {task.code for task in extracted.tasks if held_for_review(task, extracted)}
    edited = set(read_edits(_staged_file(office, token)).tasks)
    return page(request, "staged.html.j2", viewer, status=status, token=token, doc=extracted, revises=revises,
                summary=summary, held=held, edited=edited, saved=saved, errors=errors or {})


async def _form_fields(request: Request) -> dict[str, str]:
    """The form's fields: their names carry the task codes (`title:3`, `lead:3` …)."""
    return {key: str(value) for key, value in (await request.form()).items() if isinstance(value, str)}


class _Invalid(Exception):
    """The office's change cannot be saved; the errors by task code."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors


def _change(request: Request, token: str, form: dict[str, str], action: str,
            change: Callable[[list[str], ExtractedDocument, DocumentEdits], str]):
    """The one way a staged document's edits change (correct, split, merge): `change(raw codes, the tasks as shown
    before corrections, edits)` alters the edits and returns the audit detail; nothing is saved unless the whole
    document still applies."""
    with console_request(request, admin=True, csrf=form.get("csrf", "")) as (session, viewer):
        path = _staged_file(viewer.office, token)
        raw, edits = extract_file(path), read_edits(path)  # extracted once: a scanned file costs OCR
        try:
            codes = [task.code for task in raw.tasks]
            detail = change(codes, restructure(copy.deepcopy(raw), edits), edits)
            apply_edits(copy.deepcopy(raw), edits)  # a merge or split the document cannot take: refused, unsaved
        except EditsError as exc:
            errors = {form.get("code", ""): str(exc)}
        except _Invalid as exc:
            errors = exc.errors
        else:
            write_edits(path, edits)
            audit(viewer.user.name, action, path.name, detail, session=session)
            return RedirectResponse(f"/console/documents/staged/{token}?saved=1", status_code=303)
        return _render(request, viewer, token, apply_sidecar_edits(raw, path), viewer.office, errors=errors,
                       status=400)


@router.post("/documents/staged/{token}/edit")
def edit(request: Request, token: str, form: Annotated[dict[str, str], Depends(_form_fields)]):
    def correct(_codes, shown: ExtractedDocument, edits: DocumentEdits) -> str:
        corrected, errors = _check_edits(shown, form)
        if errors:
            raise _Invalid(errors)
        edits.tasks = corrected.tasks
        return f"修改 {len(edits.tasks)} 项任务"
    return _change(request, token, form, "修改识别结果", correct)


def _part(edits: DocumentEdits, code: str) -> tuple[str | None, int]:
    """The task a shown code was split from and the part's number (`3.2` → 3, 2), or (None, 0)."""
    whole, _, number = code.rpartition(".")
    parts = [part for part in edits.splits.get(whole, []) if part.strip()]
    return (whole, int(number)) if number.isdigit() and 1 <= int(number) <= len(parts) else (None, 0)


def _drop_parts(edits: DocumentEdits, whole: str, first: int) -> None:
    """Corrections of the parts renumbered by a change: they would land on another part."""
    for code in [c for c in edits.tasks if c.startswith(f"{whole}.") and c[len(whole) + 1:].isdigit()]:
        if int(code[len(whole) + 1:]) >= first:
            del edits.tasks[code]


@router.post("/documents/staged/{token}/split")
def split(request: Request, token: str, form: Annotated[dict[str, str], Depends(_form_fields)]):
    code = form.get("code", "")
    # The office separates the parts with a blank line; a line of spaces counts as blank.
    parts = [p.strip() for p in re.split(r"\n[ \t\u3000]*\n", form.get("text", "").replace("\r\n", "\n"))
             if p.strip()]

    def divide(_codes, shown: ExtractedDocument, edits: DocumentEdits) -> str:
        if code not in {task.code for task in shown.tasks}:
            raise EditsError(f"第{code}项不存在，无法拆分。")
        if len(parts) < 2:
            raise EditsError(f"第{code}项至少要拆分为两部分（各部分之间空一行）。")
        whole, number = _part(edits, code)
        if whole is None:  # a first split: the task's corrections go to each of its parts
            edits.splits[code] = parts
            if corrected := edits.tasks.pop(code, None):
                for i in range(1, len(parts) + 1):
                    edits.tasks[f"{code}.{i}"] = corrected.model_copy(update={"title": corrected.title + numeral(i)})
        else:  # a part split again: the whole task's parts, renumbered
            edits.splits[whole] = [p for p in edits.splits[whole] if p.strip()]
            edits.splits[whole][number - 1:number] = parts
            _drop_parts(edits, whole, number)
        return f"第{code}项拆分为 {len(parts)} 项"
    return _change(request, token, form, "拆分任务", divide)


@router.post("/documents/staged/{token}/merge")
def merge(request: Request, token: str, form: Annotated[dict[str, str], Depends(_form_fields)]):
    code = form.get("code", "")

    def join(codes: list[str], shown: ExtractedDocument, edits: DocumentEdits) -> str:
        """Into the task shown above: two parts of one split become one part; two tasks, a merge."""
        shown_codes = [task.code for task in shown.tasks]
        if code not in shown_codes:
            raise EditsError(f"第{code}项不存在，无法合并。")
        if (i := shown_codes.index(code)) == 0:
            raise EditsError(f"第{code}项是第一项，上面没有可并入的任务。")
        above = shown_codes[i - 1]
        (whole, number), (above_whole, _) = _part(edits, code), _part(edits, above)
        if whole is not None and whole == above_whole:
            parts = [p for p in edits.splits[whole] if p.strip()]
            parts[number - 2:number] = ["\n".join(parts[number - 2:number])]
            edits.splits[whole] = parts
            _drop_parts(edits, whole, number if len(parts) > 1 else 1)
            if len(parts) == 1:
                del edits.splits[whole]
        elif whole is not None or above_whole is not None:
            raise EditsError(f"第{code}项：拆分出的部分只能与同一项拆分出的相邻部分合并。")
        else:
            merged = [*edits.merges.get(above, []), code, *edits.merges.pop(code, [])]
            edits.merges[above] = sorted(merged, key=codes.index)
            edits.tasks.pop(code, None)
            if kept := edits.tasks.get(above):  # the office's units for the task above gain the merged task's
                task = shown.tasks[i]
                kept.lead_units = list(dict.fromkeys([*kept.lead_units, *task.lead_units]))
                kept.co_units = [u for u in dict.fromkeys([*kept.co_units, *task.co_units]) if u not in kept.lead_units]
        return f"第{code}项并入第{above}项"
    return _change(request, token, form, "合并任务", join)


def _units(value: str) -> list[str]:
    return [name.strip() for name in re.split(r"[、,，;；]", value) if name.strip()]


def _check_edits(shown: ExtractedDocument, form: dict[str, str]) -> tuple[DocumentEdits, dict[str, str]]:
    """The tasks the office changed (against the tasks as split and merged), or the errors by task code (nothing is
    saved while any remains)."""
    edits, errors = DocumentEdits(), {}
    for task in shown.tasks:
        title = form.get(f"title:{task.code}", task.title).strip()
        deadline_text = form.get(f"deadline:{task.code}", task.deadline.isoformat() if task.deadline else "").strip()
        try:
            deadline = date.fromisoformat(deadline_text) if deadline_text else None
        except ValueError:
            errors[task.code] = f"第{task.code}项“完成时限”：“{deadline_text[:20]}”不是日期（年-月-日）。"
            continue
        if not title:
            errors[task.code] = f"第{task.code}项“任务名称”不能为空。"
            continue
        edit = TaskEdit(title=title, lead_units=_units(form.get(f"lead:{task.code}", "、".join(task.lead_units))),
                        co_units=_units(form.get(f"co:{task.code}", "、".join(task.co_units))), deadline=deadline)
        if (edit.title, edit.lead_units, edit.co_units, edit.deadline) != (task.title, task.lead_units,
                                                                             task.co_units, task.deadline):
            edits.tasks[task.code] = edit
    return edits, errors


@router.post("/documents/staged/{token}/publish")
def publish(request: Request, token: str, csrf: Annotated[str, Form()] = ""):
    announce = bool(PREFECT_API_URL.value())
    with console_request(request, admin=True, csrf=csrf) as (session, viewer):
        path = _staged_file(viewer.office, token)
        inbox = get_office(viewer.office).inbox_dir
        inbox.mkdir(parents=True, exist_ok=True)
        target = inbox / path.name
        shutil.copyfile(path, target)
        edits_path(target).unlink(missing_ok=True)  # an earlier version's corrections do not apply to this one
        if edits_path(path).exists():
            shutil.copyfile(edits_path(path), edits_path(target))
        detail = ("已发送 reformflow.document.received" if announce
                  else _ingest_inline(viewer.office, target, session=session))
        audit(viewer.user.name, "发布文件", path.name, detail, session=session)
    if announce:
        # After the commit; the ingest-document flow takes it over.
        emit_document_received(viewer.office, str(target.resolve()))
    shutil.rmtree(path.parent)
    return RedirectResponse(f"/console/documents?published={path.name}", status_code=303)


def _ingest_inline(office: str, path: Path, *, session: Session) -> str:
    """The ingest-document flow's steps, run here when no Prefect server answers the event."""
    extracted = apply_sidecar_edits(extract_file(path), path)
    stored = store_document(extracted, session=session)
    directory, decisions = directory_and_decisions(office)
    assigned = reassign(office, directory, decisions, session=session)
    return (f"第{stored.revision}版：新增 {len(stored.added)} 项，修改 {len(stored.changed)} 项，"
            f"删除 {len(stored.removed)} 项；新增交办 {len(assigned.added)} 处")


@router.post("/documents/staged/{token}/discard")
def discard(request: Request, token: str, csrf: Annotated[str, Form()] = ""):
    with console_request(request, admin=True, csrf=csrf) as (session, viewer):
        path = _staged_file(viewer.office, token)
        audit(viewer.user.name, "放弃上传", path.name, session=session)
    shutil.rmtree(path.parent)
    return RedirectResponse("/console/documents", status_code=303)
