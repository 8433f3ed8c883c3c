"""The report intake page: an agency opens its personal link, sees only its own tasks, files its report.

Server-rendered (FastAPI + Jinja2), no JavaScript, readable on a phone. The link is a signed token for one unit
and one period; a form carries a CSRF token matching a SameSite cookie and a one-time key, so that a replayed
or double-clicked form is stored once. Nothing is stored unless the whole submission is valid; a refused one
lists its errors at the top, each linking to its field. What every request passes first: intake.guard.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from importlib.resources import files
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from reformflow.core import db
from reformflow.core.offices import OfficeError, get_office
from reformflow.core.settings import settings
from reformflow.flows.office import office_today, report_links, working_calendar
from reformflow.intake import page
from reformflow.intake.guard import FORM_EXPIRED, IntakeGuard, hide_tokens_in_access_log
from reformflow.models import STATUS_LABELS, Assignment, Task, Unit
from reformflow.notifications.render import environment
from reformflow.supervision.lifecycle import TransitionError, acknowledge, raise_dispute
from reformflow.supervision.reports.links import LinkError, LinkScope
from reformflow.supervision.reports.periods import period_start, report_cutoff
from reformflow.supervision.reports.submissions import (
    check_evidence,
    check_submission,
    evidence_visible_to,
    store_submission,
    submitted_with,
)

CSRF_COOKIE = "rf_csrf"
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
FORM_ALLOWANCE = 256 * 1024  # the text fields and multipart framing of one report, beside its evidence
STYLE = files("reformflow.templates").joinpath("intake/intake.css").read_text(encoding="utf-8")
templates = Jinja2Templates(env=environment())
templates.env.filters["ellipsis"] = lambda text, width: text if len(text) <= width else text[:width - 1] + "…"


@dataclass
class Owned:
    scope: LinkScope
    unit: Unit
    task: Task


def create_app(after_submit=None, today=office_today) -> FastAPI:
    """`after_submit(office, report_id)` runs once a report is stored: it emits the Prefect event (see intake.events).
    `today()` is the office's date, which the tasks' lights are judged on."""
    app = FastAPI(title="ReformFlow 情况报送", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.after_submit = after_submit or (lambda office, report_id: None)
    app.state.today = today
    app.add_middleware(IntakeGuard, read_link=lambda token: _links().read(token), csrf_cookie=CSRF_COOKIE,
                       max_body=lambda: settings.evidence_max_bytes + FORM_ALLOWANCE, refusal=_refuse,
                       secure=lambda: settings.production)
    hide_tokens_in_access_log()

    @app.get("/static/intake.css")
    def style():
        return Response(STYLE, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})

    # Plain `def` handlers: the database work blocks, so FastAPI runs them in its thread pool. Each request is
    # one transaction, opened here and passed on.
    @app.get("/r/{token}", response_class=HTMLResponse)
    def unit_page(request: Request, token: str, saved: str = "", open: str = ""):
        with db.transaction(_office_of(token)) as session:
            scope, refusal = _scope(token, session=session)
            # Which task to show opened: anything but a number (a mangled link) opens none rather than failing.
            return refusal or _render(request, token, scope, session=session, saved=_task_number(saved),
                                      opened=_task_number(open))

    @app.post("/r/{token}/tasks/{task_id}", response_class=HTMLResponse)
    def submit(request: Request, token: str, task_id: int, form: Annotated[dict[str, str], Depends(_text_fields)],
               csrf: Annotated[str, Form()] = "", key: Annotated[str, Form()] = "",
               evidence: UploadFile | None = None):
        try:
            return _submit(request, token, task_id, form, csrf, key, evidence)
        except IntegrityError:
            # The same form sent twice at once: both passed the replay check, the unique key stopped the second.
            with db.transaction(_office_of(token)) as session:
                scope, _ = _scope(token, session=session)
                if scope is None or submitted_with(_unit(session, scope), key, session=session) is None:
                    raise
            return _saved(token, task_id)

    @app.post("/r/{token}/tasks/{task_id}/acknowledge", response_class=HTMLResponse)
    def acknowledge_task(request: Request, token: str, task_id: int, csrf: Annotated[str, Form()] = ""):
        with db.transaction(_office_of(token)) as session:
            owned = _own_task(request, token, task_id, csrf, session=session)
            if isinstance(owned, Response):
                return owned
            acknowledge(owned.task, owned.unit, session=session)
        return RedirectResponse(f"/r/{token}?open={task_id}#task-{task_id}", status_code=303)

    @app.post("/r/{token}/tasks/{task_id}/dispute", response_class=HTMLResponse)
    def dispute_task(request: Request, token: str, task_id: int, csrf: Annotated[str, Form()] = "",
                     reason: Annotated[str, Form()] = "", proposed_lead: Annotated[str, Form()] = ""):
        with db.transaction(_office_of(token)) as session:
            owned = _own_task(request, token, task_id, csrf, session=session)
            if isinstance(owned, Response):
                return owned
            lead = session.exec(select(Unit).where(Unit.name == proposed_lead.strip())).first()
            if proposed_lead.strip() and lead is None:
                return _refuse("建议的牵头单位须是通讯录中的单位名称。", 400)
            try:
                raise_dispute(owned.task, owned.unit, reason, lead, session=session)
            except TransitionError as exc:
                return _refuse(str(exc), 400)
        return RedirectResponse(f"/r/{token}?open={task_id}#task-{task_id}", status_code=303)

    @app.get("/r/{token}/evidence/{public_id}")
    def download(token: str, public_id: str):
        with db.transaction(_office_of(token)) as session:
            scope, refusal = _scope(token, session=session)
            if refusal:
                return refusal
            evidence = evidence_visible_to(_unit(session, scope), public_id, scope.period, session=session)
            if evidence is None:
                return _refuse("没有这个附件，或贵单位无权查看。", 404)
        path = get_office(_office_of(token)).evidence_dir / evidence.stored_as
        # Always a download, never rendered: an uploaded page or script cannot run in the office's browser.
        return FileResponse(path, media_type="application/octet-stream", filename=evidence.file_name,
                            headers={"Content-Security-Policy": "sandbox"})

    return app


def _submit(request: Request, token: str, task_id: int, form: dict[str, str], csrf: str, key: str,
            evidence: UploadFile | None) -> Response:
    with db.transaction(_office_of(token)) as session:
        owned = _own_task(request, token, task_id, csrf, session=session)
        if isinstance(owned, Response):
            return owned
        if not FORM_KEY.fullmatch(key):
            return _refuse(FORM_EXPIRED, 400)
        if submitted_with(owned.unit, key, session=session):
            return _saved(token, task_id)  # a replay: stored once already, and the office was told once
        submission, errors = check_submission(form, owned.task)
        upload = _read_upload(evidence, errors)
        if errors:
            return _render(request, token, owned.scope, session=session, errors={task_id: errors},
                           values={task_id: form}, status=400)
        report = store_submission(owned.task, owned.unit, owned.scope.period, submission, upload, key=key,
                                  session=session, evidence_dir=get_office(owned.scope.office).evidence_dir)
    request.app.state.after_submit(owned.scope.office, report.id)  # after the commit: the flow must see it
    return _saved(token, task_id)


def _task_number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _saved(token: str, task_id: int) -> RedirectResponse:
    return RedirectResponse(f"/r/{token}?saved={task_id}#task-{task_id}", status_code=303)


def _own_task(request: Request, token: str, task_id: int, csrf: str, *, session) -> Owned | Response:
    """The unit of the link and its task, or the page that refuses the request."""
    scope, refusal = _scope(token, session=session)
    if refusal:
        return refusal
    if not _csrf_ok(request, csrf):
        return _refuse(FORM_EXPIRED, 403)
    unit = _unit(session, scope)
    assigned = session.exec(select(Assignment).where(Assignment.unit_id == unit.id,
                                                     Assignment.task_id == task_id)).first()
    task = session.get(Task, task_id) if assigned else None
    if task is None or task.removed_at is not None:
        return _refuse("这项任务不属于贵单位，不能报送。", 403)
    return Owned(scope, unit, task)


async def _text_fields(request: Request) -> dict[str, str]:
    """The form's text fields (the upload is read by the handler)."""
    return {key: str(value) for key, value in (await request.form()).items() if isinstance(value, str)}


def _links():
    # Any office's links read every office's tokens (one key); the token names its office.
    return report_links(settings.office)


def _office_of(token: str) -> str:
    """The office whose ledger the link opens; a link that does not read opens the default office's, where
    `_scope` refuses it."""
    try:
        return get_office(_links().read(token).office).slug
    except (LinkError, OfficeError):
        return settings.office


def _scope(token: str, *, session) -> tuple[LinkScope | None, Response | None]:
    try:
        scope = _links().read(token)
        get_office(scope.office)
    except LinkError as exc:
        return None, _refuse(str(exc), 403)
    except OfficeError:
        return None, _refuse("这个报送链接所属的改革办已不在本系统中，请联系改革办。", 403)
    if session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).first() is None:
        return None, _refuse("这个报送链接对应的单位已不在通讯录中，请联系改革办。", 403)
    return scope, None


def _unit(session, scope: LinkScope) -> Unit:
    return session.exec(select(Unit).where(Unit.slug == scope.unit_slug)).one()


def _refuse(message: str, status: int) -> HTMLResponse:
    return HTMLResponse(templates.env.get_template("intake/refused.html.j2").render(message=message),
                        status_code=status)


def _csrf_ok(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, submitted)


def _read_upload(upload: UploadFile | None, errors: dict[str, str]) -> tuple[str, bytes] | None:
    """Read at most the limit and one byte more: a file over the limit is refused without being held in memory."""
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
            opened=None, status: int = 200) -> HTMLResponse:
    unit, calendar = _unit(session, scope), working_calendar(scope.office)
    due_soon = max(settings.reminder_days_before)  # the first reminder
    groups = page.cards(session, unit, scope.period, as_of=page.as_of_for(scope.period, request.app.state.today()),
                        calendar=calendar, due_soon_workdays=due_soon)
    cutoff = report_cutoff(scope.period, settings.report_cutoff_day, calendar)
    nominal = period_start(scope.period).replace(day=settings.report_cutoff_day)
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(request, "intake/page.html.j2", {
        "unit": unit, "period": scope.period, "groups": groups, "group_names": page.GROUPS, "token": token,
        "csrf": csrf, "new_key": lambda: secrets.token_urlsafe(24), "statuses": STATUS_LABELS,
        "errors": errors or {}, "values": values or {}, "saved": saved, "opened": opened,
        "error_summary": page.error_summary(groups, errors or {}), "zone": ZoneInfo(settings.timezone),
        "cutoff": cutoff, "cutoff_moved_from": nominal if nominal != cutoff else None,
        "total": sum(len(members) for members in groups.values()), "legend": page.legend(due_soon),
        "unacknowledged": sum(not card.acknowledged for members in groups.values() for card in members),
        "unit_names": [u.name for u in session.exec(select(Unit).where(~Unit.is_office, ~Unit.is_leader)
                                                    .order_by(Unit.name))],
    }, status_code=status)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/r/", secure=settings.production)
    return response

