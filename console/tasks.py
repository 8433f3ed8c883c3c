"""A task's page: its text, units, milestones, every report with its evidence, and its full history."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import Session, select

from reformflow.console.accounts import audit
from reformflow.console.web import Refused, console_request, page, today
from reformflow.core.offices import get_office
from reformflow.flows.office import working_calendar
from reformflow.models import Assignment, Dispute, Document, Evidence, StatusReport, Task, Unit
from reformflow.supervision.lifecycle import TransitionError, confirm, history
from reformflow.supervision.status import LIGHT_LABELS, judge

router = APIRouter()


@router.get("/tasks/{task_id}")
def task_page(request: Request, task_id: int):
    with console_request(request) as (session, viewer):
        task = session.get(Task, task_id)
        if task is None:
            raise Refused("没有这项任务。", 404)
        document = session.get(Document, task.document_id)
        units = {u.id: u for u in session.exec(select(Unit))}
        assignments = session.exec(select(Assignment).where(Assignment.task_id == task.id)
                                   .order_by(Assignment.role.desc(), Assignment.id)).all()
        reports = task_reports(task.id, session=session)
        period = today().strftime("%Y-%m")
        verdict = judge(task, issued=document.issued_on or document.imported_at.date(), as_of=today(),
                        reported=any(report.period == period for report, _, _ in reports),
                        calendar=working_calendar(viewer.office))
        events = history(task, session=session)
        disputes = session.exec(select(Dispute).where(Dispute.task_id == task.id).order_by(Dispute.raised_at)).all()
    return page(request, "task.html.j2", viewer, task=task, document=document, units=units,
                assignments=assignments, reports=reports, events=events, disputes=disputes,
                light=verdict.light, light_label=LIGHT_LABELS[verdict.light], overdue=verdict.overdue_workdays)


def task_reports(task_id: int, *, session: Session) -> list[tuple[StatusReport, Unit, list[Evidence]]]:
    """Every report filed on a task, newest first, with its author and evidence."""
    rows = session.exec(select(StatusReport, Unit).join(Unit, Unit.id == StatusReport.unit_id)
                        .where(StatusReport.task_id == task_id)
                        .order_by(StatusReport.submitted_at.desc(), StatusReport.id.desc())).all()
    evidence = defaultdict(list)
    for item in session.exec(select(Evidence).where(Evidence.report_id.in_([r.id for r, _ in rows]))):
        evidence[item.report_id].append(item)
    return [(report, unit, evidence[report.id]) for report, unit in rows]


@router.post("/tasks/{task_id}/confirm")
def confirm_reading(request: Request, task_id: int, csrf: Annotated[str, Form()] = ""):
    """待确认: the office checked a doubtful reading against the original (as `reformflow tasks confirm`)."""
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        task = session.get(Task, task_id)
        if task is None:
            raise Refused("没有这项任务。", 404)
        try:
            confirm(task, session=session)
        except TransitionError as exc:
            raise Refused(str(exc), 400) from exc
        audit(viewer.user.name, "确认识别结果", f"任务{task.code} {task.title}", session=session)
    return RedirectResponse(f"/console/tasks/{task_id}", status_code=303)


@router.get("/evidence/{evidence_id}")
def evidence_download(request: Request, evidence_id: int):
    with console_request(request) as (session, viewer):
        evidence = session.get(Evidence, evidence_id)
        if evidence is None:
            raise Refused("没有这个附件。", 404)
    path = get_office(viewer.office).evidence_dir / evidence.stored_as
    if not path.is_file():
        raise Refused(f"附件“{evidence.file_name}”的文件已不在存储目录中，请联系管理员。", 404)
    # Always a download, never rendered: an uploaded page or script cannot run in the office's browser.
    return FileResponse(path, media_type="application/octet-stream", filename=evidence.file_name,
                        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
                                 "Cache-Control": "no-store"})
