"""账号 (admins only): the office's console accounts, a new account, an account disabled or enabled again.

The same `add_user` as `reformflow users add`. A disabled account's sessions stop working at its next request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from reformflow.console.accounts import AccountError, add_user, audit
from reformflow.console.web import Refused, console_request, page
from reformflow.models import ROLE_NAMES, AuditEntry, ConsoleUser

router = APIRouter()
AUDIT_SHOWN = 50


@router.get("/users")
def users_page(request: Request, done: str | None = None):
    with console_request(request, admin=True) as (session, viewer):
        users = session.exec(select(ConsoleUser).order_by(ConsoleUser.name)).all()
        trail = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_SHOWN)).all()
    return page(request, "users.html.j2", viewer, users=users, roles=ROLE_NAMES, trail=trail, done=done)


@router.post("/users")
def create(request: Request, name: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
           role: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
           csrf: Annotated[str, Form()] = ""):
    with console_request(request, admin=True, csrf=csrf) as (session, viewer):
        try:
            user = add_user(name, role, password, session=session, display_name=display_name)
        except AccountError as exc:
            raise Refused(str(exc), 400) from exc
        audit(viewer.user.name, "开设账号", user.name, ROLE_NAMES[user.role], session=session)
    return RedirectResponse("/console/users?done=created", status_code=303)


@router.post("/users/{user_id}/disabled")
def set_disabled(request: Request, user_id: int, disabled: Annotated[str, Form()] = "",
                 csrf: Annotated[str, Form()] = ""):
    with console_request(request, admin=True, csrf=csrf) as (session, viewer):
        user = session.get(ConsoleUser, user_id)
        if user is None:
            raise Refused("没有这个账号。", 404)
        if user.id == viewer.user.id:
            raise Refused("不能停用自己正在使用的账号。", 400)
        user.disabled = disabled == "1"
        session.add(user)
        audit(viewer.user.name, "停用账号" if user.disabled else "恢复账号", user.name, session=session)
    return RedirectResponse("/console/users?done=changed", status_code=303)
