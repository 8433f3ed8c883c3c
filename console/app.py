"""The console mounted on the web app beside the intake page: login, logout, and every page's router.

`install_console(app)` adds it to the app `intake.app.create_app` builds (the `reformflow web` command does so).
Handlers are plain `def` (the database blocks) and open one transaction each, in the viewer's office.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from reformflow.console import bulletins, dashboard, documents, ledger, messages, review, tasks, units, users
from reformflow.console.accounts import AccountError, log_in, log_out
from reformflow.console.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    Refused,
    console_request,
    office_keys,
    office_transaction,
    offices,
    page,
)
from reformflow.core.settings import settings

router = APIRouter(prefix="/console")


def install_console(app: FastAPI) -> FastAPI:
    app.include_router(router)
    for module in (dashboard, ledger, tasks, review, units, bulletins, messages, documents, users):
        app.include_router(module.router, prefix="/console")
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    return app


async def _invalid(request: Request, exc: RequestValidationError) -> Response:
    """A malformed address or form (`/console/tasks/abc`): a page in Chinese, never FastAPI's English JSON."""
    if not request.url.path.startswith("/console"):
        return await request_validation_exception_handler(request, exc)  # the intake page keeps its behaviour
    return page(request, "refused.html.j2", None, status=400, message="地址或表单不完整、格式不对，请返回重试。")


def _to_login(request: Request, _exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/console/"  # a form sent after the session ended: back to the start, not to a POST address
    response = RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


def _refused(request: Request, exc: Refused) -> Response:
    return page(request, "refused.html.j2", None, status=exc.status, message=exc.message)


def _safe_next(target: str) -> str:
    """Back where the person was, but only inside the console (never to another site)."""
    return target if target.startswith("/console/") and not target.startswith("//") else "/console/"


@router.get("/login")
def login_page(request: Request, next: str = "/console/"):
    return _login_form(request, next)


def _login_form(request: Request, target: str, error: str | None = None, status: int = 200, name: str = ""):
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(request, "login.html.j2", None, status=status, offices=offices(), csrf=csrf, error=error,
                    next=_safe_next(target), name=name)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/console",
                        secure=_secure(request))
    return response


@router.post("/login")
def login(request: Request, name: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          office: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/console/"):
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
        return _login_form(request, next, "表单已失效，请重新输入后登录。", 403, name)
    keys = office_keys()
    office = office if len(keys) > 1 else keys[0]
    if office not in keys:
        return _login_form(request, next, "请选择所在的改革办。", 400, name)
    address = request.client.host if request.client else "unknown"
    with office_transaction(office) as session:
        try:
            _user, token = log_in(name, password, address, session=session, hours=settings.console_session_hours)
        except AccountError as exc:  # the failure is committed (it counts towards the throttle)
            refusal = str(exc)
        else:
            refusal = None
    if refusal:
        return _login_form(request, next, refusal, 429 if "次数过多" in refusal else 401, name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, f"{office}:{token}", httponly=True, samesite="strict", path="/console",
                        max_age=int(settings.console_session_hours * 3600), secure=_secure(request))
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = ""):
    with console_request(request, csrf=csrf) as (session, _viewer):
        log_out(request.cookies[SESSION_COOKIE].partition(":")[2], session=session)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or settings.production
