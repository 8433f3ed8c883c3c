"""通报: every version of every month's bulletin with its files, a preview of a chosen month, and publishing.

Publishing runs the monthly-bulletin flow's own steps (`compute_bulletin`, `publish_bulletin`, `queue_bulletin`):
a new version only when the numbers changed, sent once to the office and the leaders by the next delivery.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import select

from reformflow.console.accounts import audit
from reformflow.console.web import Refused, console_request, page, today, zone
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.office import notice_style, public_base_url, working_calendar
from reformflow.models import Bulletin, Unit
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import bulletin_link, publish_bulletin, queue_bulletin

router = APIRouter()
FILES = {"html": ("html_path", "text/html; charset=utf-8"), "docx": ("docx_path", "application/octet-stream"),
         "json": ("json_path", "application/octet-stream"), "md": ("markdown_path", "application/octet-stream")}


def _period(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value or ""):
        raise Refused(f"月份须写作 年-月（如 2020-06），“{(value or '')[:20]}”不是月份。", 400)
    if value > today().strftime("%Y-%m"):
        raise Refused(f"{value} 尚未开始，不能通报。", 400)
    return value


@router.get("/bulletins")
def bulletins_page(request: Request, period: str | None = None, published: int | None = None):
    preview = None
    with console_request(request) as (session, viewer):
        history = session.exec(select(Bulletin).order_by(Bulletin.period.desc(), Bulletin.version.desc())).all()
        if period:
            preview = compute_bulletin(_period(period), today(), session=session,
                                       calendar=working_calendar(viewer.office),
                                       zone=zone())
    return page(request, "bulletins.html.j2", viewer, history=history, preview=preview, published=published,
                period=period or today().strftime("%Y-%m"), months=_recent_months())


def _recent_months(count: int = 24) -> list[str]:
    """The months a bulletin can be published for: this one and the ones before it, newest first."""
    year, month = today().year, today().month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


@router.post("/bulletins/publish")
def publish(request: Request, period: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""):
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        data = compute_bulletin(_period(period), today(), session=session, calendar=working_calendar(viewer.office),
                               zone=zone())
        office = session.exec(select(Unit).where(Unit.is_office)).first()
        # The same files as the monthly-bulletin flow: the office's notice and, when set, its PDF.
        notice = notice_style(_period(period), office.name if office else None)
        published = publish_bulletin(data, get_office(viewer.office).bulletin_dir, session=session,
                                     pdf=settings.notice_pdf, notice=notice)
        session.flush()
        link = bulletin_link(published.record.html_path, bulletin_dir=get_office(viewer.office).bulletin_dir,
                             public_base_url=public_base_url(viewer.office))
        queued = queue_bulletin(published, link, session=session)
        audit(viewer.user.name, "发布通报", f"{period} 第{published.record.version}版",
              ("新版本" if published.new_version else "数字未变，沿用原版本") + f"；排队发送 {len(queued)} 条",
              session=session)
        record_id = published.record.id
    return RedirectResponse(f"/console/bulletins?published={record_id}", status_code=303)


@router.get("/bulletins/{bulletin_id}/{kind}")
def bulletin_file(request: Request, bulletin_id: int, kind: str):
    with console_request(request) as (session, viewer):
        if kind not in FILES:
            raise Refused("没有这种文件。", 404)
        record = session.get(Bulletin, bulletin_id)
    field, media = FILES[kind]
    stored = getattr(record, field) if record else None
    path = Path(stored).resolve() if stored else None
    # Only files of the bulletin folder, whatever a record says.
    if path is None or not path.is_file() or not path.is_relative_to(get_office(viewer.office).bulletin_dir.resolve()):
        raise Refused("没有这个通报文件。", 404)
    inline = kind == "html"
    return FileResponse(path, media_type=media, filename=None if inline else path.name,
                        content_disposition_type="inline" if inline else "attachment",
                        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox",
                                 "Cache-Control": "no-store"})
