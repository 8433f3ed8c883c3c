"""What every request to the intake page passes before a handler sees it, and what every response carries.

A POST is refused before its body is read when its link is not valid, when it comes without the form's cookie,
or when it is larger than a report can be: a forged link with a 200 MB upload costs the server nothing, not even
a temporary file. Every response gets the browser's protections (CSP, no framing, no referrer, no caching of a
page that holds a unit's reports). Link tokens are cut out of the access log: a link is valid for weeks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from starlette.requests import cookie_parser
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reformflow.supervision.reports.links import LinkError

TOKEN_IN_PATH = re.compile(r"^/r/([^/]+)/")
ANY_TOKEN = re.compile(r"/r/[^/?#\s\"]+")
HIDDEN = "/r/[报送链接]"
FORM_EXPIRED = "表单已失效，请刷新页面后重新提交。"
# No inline script or style anywhere: the page's style sheet is served by the app itself.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
# The office console (same app) styles its pages in the page and draws charts as inline SVG; still no script.
CONSOLE = "/console"
CONSOLE_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'")
# The console's largest request: a document upload (parsing.limits) and its form.
CONSOLE_MAX_BODY = 100 * 2**20 + 256 * 2**10


class IntakeGuard:
    """ASGI middleware. `read_link(token)` raises LinkError for a link to refuse; `refusal(message, status)` is
    the page that says so; `max_body` is the largest request a report with its evidence can make."""

    def __init__(self, app: ASGIApp, *, read_link: Callable[[str], object], max_body: Callable[[], int],
                 csrf_cookie: str, refusal: Callable[[str, int], HTMLResponse], secure: Callable[[], bool]):
        self.app, self.read_link, self.max_body, self.csrf_cookie = app, read_link, max_body, csrf_cookie
        self.refusal, self.secure = refusal, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_protections(scope, send)
        refused = self._refuse_before_reading(scope) if scope["method"] == "POST" else None
        if refused is not None:
            await refused(scope, receive, send)  # the body is never read
            return
        await self.app(scope, receive, send)

    def _refuse_before_reading(self, scope: Scope) -> HTMLResponse | None:
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        if scope["path"] == CONSOLE or scope["path"].startswith(CONSOLE + "/"):
            return self._too_large(headers, CONSOLE_MAX_BODY)  # the console checks its login and CSRF itself
        match = TOKEN_IN_PATH.match(scope["path"])
        if match is None:
            return self.refusal("没有这个页面。", 404)
        try:
            self.read_link(match[1])
        except LinkError as exc:
            return self.refusal(str(exc), 403)
        if not cookie_parser(headers.get("cookie", "")).get(self.csrf_cookie):
            return self.refusal(FORM_EXPIRED, 403)
        return self._too_large(headers, self.max_body())

    def _too_large(self, headers: dict[str, str], limit: int) -> HTMLResponse | None:
        length = headers.get("content-length", "")
        if not length.isdigit():  # a chunked body of unknown size is not what a browser's form sends
            return self.refusal("提交的内容缺少长度信息，请使用浏览器打开报送页面提交。", 411)
        if int(length) > limit:
            return self.refusal(f"提交的内容过大（{int(length) / 1048576:.1f} MB），本次内容尚未保存。"
                                f"佐证材料请压缩后重新提交，整次提交不超过 {limit / 1048576:.1f} MB。", 413)
        return None

    def _with_protections(self, scope: Scope, send: Send) -> Send:
        cacheable = scope["path"].startswith("/static/")
        secure = self.secure()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                policy = CONSOLE_CSP if scope["path"].startswith(CONSOLE) else CSP
                extra = {b"content-security-policy": policy, b"x-frame-options": "DENY",
                         b"referrer-policy": "no-referrer", b"x-content-type-options": "nosniff"}
                if not cacheable:
                    extra[b"cache-control"] = "no-store"
                if secure:
                    extra[b"strict-transport-security"] = "max-age=31536000"
                message["headers"] = [*message.get("headers", []),
                                      *((key, value.encode()) for key, value in extra.items() if key not in present)]
            await send(message)

        return send_with_headers


class HideLinkTokens(logging.Filter):
    """Replaces every `/r/<token>` in a log record by a placeholder; the rest of the line (method, the page
    after the token, status) stays, so the log still says what happened."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(ANY_TOKEN.sub(HIDDEN, arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = ANY_TOKEN.sub(HIDDEN, record.msg)
        return True


def hide_tokens_in_access_log() -> None:
    """On uvicorn's access logger itself, so that every handler configured on it gets the redacted line."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, HideLinkTokens) for existing in access.filters):
        access.addFilter(HideLinkTokens())
