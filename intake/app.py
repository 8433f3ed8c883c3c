"""The report intake page: an agency opens its personal link, sees only its own tasks, files its report.

Server-rendered (FastAPI + Jinja2), no JavaScript, readable on a phone. The link is a signed token for one unit
and one period; a form carries a CSRF token matching a SameSite cookie. Nothing is stored unless the whole
submission is valid; every error is shown beside its field.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections import defaultdict
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import select

from reformflow.core import db
from reformflow.core.offices import OfficeError, get_office
from reformflow.core.settings import settings
from reformflow.flows.office import report_links
from reformflow.models import (
    STATUS_LABELS,
    Assignment,
    Dispute,
    Document,
    Evidence,
    StatusReport,
    Task,
    TaskStage,
    Unit,
)
from reformflow.notifications.render import environment
from reformflow.supervision.lifecycle import OPEN_STAGES, TransitionError, acknowledge, raise_dispute
from reformflow.supervision.reports.links import LinkError, LinkScope
from reformflow.supervision.reports.submissions import check_evidence, check_submission, store_submission

logger = logging.getLogger(__name__)
CSRF_COOKIE = "rf_csrf"
templates = Jinja2Templates(env=environment())


def create_app(after_submit=None) -> FastAPI:
    """`after_submit(office, report_id)` runs once a report is stored: it emits the Prefect event (see
    intake.events)."""
    app = FastAPI(title="ReformFlow 情况报送", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.after_submit = after_submit or (lambda office, report_id: None)

    # Plain `def` handlers: the database work blocks, so FastAPI runs them in its thread pool. Each request is
    # one transaction, opened here and passed on.
    @app.get("/r/{token}", response_class=HTMLResponse)
    def unit_page(request: Request, token: str, saved: int | None = None):
        with db.transaction(_office_of(token)) as session:
            scope, refusal = _scope(request, token, session=session)
            return refusal or _render(request, token, scope, session=session, saved=saved)

    @app.post("/r/{token}/tasks/{task_id}", response_class=HTMLResponse)
    def submit(request: Request, token: str, task_id: int, form: Annotated[dict[str, str], Depends(_text_fields)],
               csrf: Annotated[str, Form()] = "", evidence: UploadFile | None = None):
        with db.transaction(_office_of(token)) as session:
            scope, refusal = _scope(request, token, session=session)
            if refusal:
                return refusal
            if not _csrf_ok(request, csrf):
                return _refuse(request, "表单已失效，请刷新页面后重新提交。", 403)
            unit, task = _unit_and_task(session, scope, task_id)
            if task is None:
                return _refuse(request, "这项任务不属于贵单位，不能报送。", 403)
            submission, errors = check_submission(form, task)
            upload = _read_upload(evidence, errors)
            if errors:
                return _render(request, token, scope, session=session, errors={task_id: errors},
                               values={task_id: form}, status=400)
            report = store_submission(task, unit, scope.period, submission, upload, session=session,
                                      evidence_dir=get_office(scope.office).evidence_dir)
        # After the commit: the flow it starts must see the report.
        request.app.state.after_submit(scope.office, report.id)
        return RedirectResponse(f"/r/{token}?saved={task_id}#task-{task_id}", status_code=303)

    @app.post("/r/{token}/tasks/{task_id}/acknowledge", response_class=HTMLResponse)
    def acknowledge_task(request: Request, token: str, task_id: int, csrf: Annotated[str, Form()] = ""):
        with db.transaction(_office_of(token)) as session:
            unit, task, refusal = _own_task(request, token, task_id, csrf, session=session)
            if refusal:
                return refusal
            acknowledge(task, unit, session=session)
        return RedirectResponse(f"/r/{token}#task-{task_id}", status_code=303)

    @app.post("/r/{token}/tasks/{task_id}/dispute", response_class=HTMLResponse)
    def dispute_task(request: Request, token: str, task_id: int, csrf: Annotated[str, Form()] = "",
                     reason: Annotated[str, Form()] = "", proposed_lead: Annotated[str, Form()] = ""):
        with db.transaction(_office_of(token)) as session:
            unit, task, refusal = _own_task(request, token, task_id, csrf, session=session)
            if refusal:
                return refusal
            lead = session.exec(select(Unit).where(Unit.name == proposed_lead.strip())).first()
            if proposed_lead.strip() and lead is None:
                return _refuse(request, "建议的牵头单位须是通讯录中的单位名称。", 400)
            try:
                raise_dispute(task, unit, reason, lead, session=session)
            except TransitionError as exc:
                return _refuse(request, str(exc), 400)
        return RedirectResponse(f"/r/{token}#task-{task_id}", status_code=303)

    @app.get("/r/{token}/evidence/{evidence_id}")
    def download(request: Request, token: str, evidence_id: int):
        with db.transaction(_office_of(token)) as session:
            scope, refusal = _scope(request, token, session=session)
            if refusal:
                return refusal
            evidence = session.get(Evidence, evidence_id)
            report = session.get(StatusReport, evidence.report_id) if evidence else None
            unit = session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).first()
            if report is None or unit is None or _task_for(session, unit, report.task_id) is None:
                return _refuse(request, "没有这个附件。", 404)
        path = get_office(scope.office).evidence_dir / evidence.stored_as
        # Always a download, never rendered: an uploaded page or script cannot run in the office's browser.
        return FileResponse(path, media_type="application/octet-stream", filename=evidence.file_name,
                            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})

    return app


def _own_task(request: Request, token: str, task_id: int, csrf: str, *, session
              ) -> tuple[Unit | None, Task | None, Response | None]:
    """The unit of the link and its task, or the page that refuses the request."""
    scope, refusal = _scope(request, token, session=session)
    if refusal:
        return None, None, refusal
    if not _csrf_ok(request, csrf):
        return None, None, _refuse(request, "表单已失效，请刷新页面后重新提交。", 403)
    unit, task = _unit_and_task(session, scope, task_id)
    if task is None:
        return None, None, _refuse(request, "这项任务不属于贵单位。", 403)
    return unit, task, None


async def _text_fields(request: Request) -> dict[str, str]:
    """The form's text fields (the upload is read by the handler)."""
    return {key: str(value) for key, value in (await request.form()).items() if isinstance(value, str)}


def _office_of(token: str) -> str:
    """The office whose ledger the link opens; a link that does not read opens the default office's, where
    `_scope` refuses it."""
    try:
        office = report_links(settings.office).read(token).office
        get_office(office)
        return office
    except (LinkError, OfficeError):
        return settings.office


def _scope(request: Request, token: str, *, session) -> tuple[LinkScope | None, Response | None]:
    try:
        scope = report_links(settings.office).read(token)
        get_office(scope.office)
    except LinkError as exc:
        return None, _refuse(request, str(exc), 403)
    except OfficeError:
        return None, _refuse(request, "这个报送链接所属的改革办已不在本系统中，请联系改革办。", 403)
    if session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).first() is None:
        return None, _refuse(request, "这个报送链接对应的单位已不在通讯录中，请联系改革办。", 403)
    return scope, None


def _refuse(request: Request, message: str, status: int) -> HTMLResponse:
    return templates.TemplateResponse(request, "intake/refused.html.j2", {"message": message}, status_code=status)


def _csrf_ok(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, submitted)


def _task_for(session, unit: Unit, task_id: int) -> Assignment | None:
    return session.exec(select(Assignment).where(Assignment.unit_id == unit.id, Assignment.task_id == task_id)).first()


def _unit_and_task(session, scope: LinkScope, task_id: int) -> tuple[Unit, Task | None]:
    unit = session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).one()
    task = session.get(Task, task_id) if _task_for(session, unit, task_id) else None
    return unit, task if task is not None and task.removed_at is None else None


def _read_upload(upload: UploadFile | None, errors: dict[str, str]) -> tuple[str, bytes] | None:
    """Read at most the limit and one byte more: a 50 MB file is refused without being held in memory."""
    if upload is None or not upload.filename:
        return None
    limit = settings.evidence_max_bytes
    content = upload.file.read(limit + 1)
    size = len(content) if len(content) <= limit else (upload.size or len(content))
    problem = check_evidence(upload.filename, content[:16], size, limit)
    if problem:
        errors["evidence"] = problem
        return None
    return upload.filename, content


def _render(request: Request, token: str, scope: LinkScope, *, session, errors=None, values=None, saved=None,
            status: int = 200) -> HTMLResponse:
    unit = session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).one()
    cards = _cards(session, unit, scope.period)
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(request, "intake/page.html.j2", {
        "unit": unit, "period": scope.period, "cards": cards, "token": token, "csrf": csrf, "statuses": STATUS_LABELS,
        "errors": errors or {}, "values": values or {}, "saved": saved, "zone": ZoneInfo(settings.timezone),
        "unit_names": [u.name for u in session.exec(select(Unit).where(~Unit.is_office, ~Unit.is_leader)
                                                    .order_by(Unit.name))],
    }, status_code=status)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/r/")
    return response


def _cards(session, unit: Unit, period: str) -> list[dict]:
    """The unit's tasks with its own reports this period, and, where it leads, what its co-units filed."""
    rows = session.exec(select(Assignment, Task, Document).join(Task, Task.id == Assignment.task_id)
                        .join(Document, Document.id == Task.document_id)
                        .where(Assignment.unit_id == unit.id, Task.removed_at.is_(None),
                               Task.stage.in_((*OPEN_STAGES, TaskStage.CLOSED)))
                        .order_by(Assignment.role.desc(), Task.deadline, Task.id)).all()
    task_ids = [task.id for _, task, _ in rows]
    reports = defaultdict(list)
    for report, author in session.exec(select(StatusReport, Unit).join(Unit, Unit.id == StatusReport.unit_id)
                                       .where(StatusReport.task_id.in_(task_ids), StatusReport.period == period)
                                       .order_by(StatusReport.submitted_at.desc())):
        reports[report.task_id].append((report, author))
    evidence = defaultdict(list)
    for item in session.exec(select(Evidence).where(Evidence.report_id.in_([r.id for v in reports.values()
                                                                            for r, _ in v]))):
        evidence[item.report_id].append(item)
    disputes = {d.task_id: d for d in session.exec(select(Dispute).where(Dispute.unit_id == unit.id)
                                                  .order_by(Dispute.raised_at))}
    return [{"task": task, "document": document, "role": assignment.role,
             "acknowledged": assignment.acknowledged_at, "dispute": disputes.get(task.id),
             "mine": [(r, evidence[r.id]) for r, author in reports[task.id] if author.id == unit.id],
             "others": [(r, author) for r, author in reports[task.id] if author.id != unit.id]
             if assignment.role == "lead" else []}
            for assignment, task, document in rows]
