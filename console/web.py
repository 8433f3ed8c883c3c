"""What every console page shares: the office's transaction, who is asking, the templates, refusals.

One request is one transaction in the office of the person logged in (the office is chosen at login and kept in
the session cookie). Pages that decide something need a role that may decide and the session's CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from reformflow.console.accounts import Viewer, session_user
from reformflow.core import db
from reformflow.core.offices import all_offices
from reformflow.core.settings import settings
from reformflow.flows.office import office_today
from reformflow.models import EVENT_LABELS, ROLE_LABELS, ROLE_NAMES
from reformflow.notifications.render import environment
from reformflow.supervision.status import LIGHT_LABELS

SESSION_COOKIE = "rf_console"
LOGIN_CSRF_COOKIE = "rf_console_login"


@dataclass(frozen=True)
class Office:
    key: str
    name: str


def offices() -> list[Office]:
    """The offices of this installation (the offices file), for the login page's choice; each has its own
    database, which `office_transaction` opens: an account exists in its office's ledger only."""
    return [Office(office.slug, office.name) for office in all_offices().values()]


def office_keys() -> tuple[str, ...]:
    return tuple(all_offices())


@contextmanager
def office_transaction(office: str) -> Iterator[Session]:
    """The one place the console opens a transaction: in the office's database once offices have their own."""
    if office not in office_keys():
        raise LoginRequired()
    with db.transaction(office) as session:
        yield session


def today() -> date:
    """The office's day (tests set it to the sample ledger's day)."""
    return office_today()


def zone() -> ZoneInfo:
    return ZoneInfo(settings.timezone)


class LoginRequired(Exception):
    """No live session: the person goes to the login page (and back where they were, once logged in)."""


class Refused(Exception):
    """A request the person may not make, or whose form is not valid; the page says why, in Chinese."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message, self.status = message, status


@contextmanager
def console_request(request: Request, *, decide: bool = False, admin: bool = False, csrf: str | None = None
                    ) -> Iterator[tuple[Session, Viewer]]:
    """The transaction and the viewer of a request. `decide`: only admins and staff; `admin`: only admins;
    a POST passes its form's `csrf`, which must be the session's."""
    office, _, token = request.cookies.get(SESSION_COOKIE, "").partition(":")
    if not token:
        raise LoginRequired()
    with office_transaction(office) as session:
        found = session_user(token, session=session)
        if found is not None:
            user, live = found
            viewer = Viewer(user, office, live.csrf)
            if csrf is not None and not hmac.compare_digest(csrf.encode(), live.csrf.encode()):
                raise Refused("表单已失效（缺少或不符的校验码），请返回刷新页面后重试。")
            if (decide and not viewer.can_decide) or (admin and not viewer.is_admin):
                raise Refused("您的账号没有这项权限。领导账号只能查看，不能作出决定。")
            yield session, viewer
            return
    raise LoginRequired()  # after the commit: an expired session found on the way is deleted for good


def _templates() -> Jinja2Templates:
    env = environment().overlay()  # the message templates' filters, plus the console's own
    env.filters["light"] = lambda key: LIGHT_LABELS.get(key, key)
    env.filters["role"] = lambda key: ROLE_LABELS.get(key, key)
    env.filters["event"] = lambda key: EVENT_LABELS.get(key, key)
    env.filters["account_role"] = lambda key: ROLE_NAMES.get(key, key)
    env.filters["local"] = lambda moment, fmt="%Y-%m-%d %H:%M": moment.astimezone(zone()).strftime(fmt) \
        if moment else "—"
    env.filters["pct"] = lambda value: f"{value * 100:.0f}%"
    return Jinja2Templates(env=env)


templates = _templates()

NAV = (("/console/", "首页"), ("/console/ledger", "台账"), ("/console/review", "审核"), ("/console/units", "单位"),
       ("/console/bulletins", "通报"), ("/console/messages", "消息"), ("/console/documents", "文件"))


def page(request: Request, template: str, viewer: Viewer | None, status: int = 200, **context) -> HTMLResponse:
    response = templates.TemplateResponse(request, f"console/{template}", {
        "viewer": viewer, "nav": NAV, "path": request.url.path, **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # ledger pages must not stay in a shared browser's cache
    return response
