"""消息: the outbox with filters; dead and in-doubt messages sent again; each unit's report link and report sheet.

Resending is `notifications.outbox.requeue` (as `reformflow outbox requeue`): the message is queued again and
goes out with the next delivery, within office hours. Links and sheets are those of `reformflow reports link`
and `reformflow reports template`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse
from sqlmodel import func, select
from starlette.background import BackgroundTask

from reformflow.console.accounts import audit
from reformflow.console.web import Refused, console_request, page, today
from reformflow.flows.office import report_links
from reformflow.models import Channel, Message, MessageKind, MessageState, Unit
from reformflow.notifications.outbox import requeue
from reformflow.supervision.reports.files import write_template

router = APIRouter()
PAGE_SIZE = 50
STATE_LABELS = {MessageState.QUEUED: "待发送", MessageState.SENDING: "发送中", MessageState.SENT: "已发送",
                MessageState.FAILED: "发送失败待重试", MessageState.DEAD: "发送失败已停止",
                MessageState.IN_DOUBT: "不确定是否送达"}
KIND_LABELS = {MessageKind.REMINDER: "到期提醒", MessageKind.ESCALATION: "逾期督办", MessageKind.CHASE: "催报",
               MessageKind.BULLETIN: "月度通报", MessageKind.REVIEW: "待审核通知", MessageKind.ASSIGNMENT: "交办通知",
               MessageKind.ACKNOWLEDGEMENT_CHASE: "签收催办", MessageKind.DISPUTE: "异议通知"}
CHANNEL_LABELS = {Channel.EMAIL: "邮件", Channel.WECOM: "企业微信", Channel.DINGTALK: "钉钉", Channel.FEISHU: "飞书",
                  Channel.OUTBOX: "本地发件箱"}
RESENDABLE = (MessageState.DEAD, MessageState.IN_DOUBT)


@router.get("/messages")
def messages_page(request: Request, state: str = "", kind: str = "", unit: str = "", page_number: int = 1,
                  link_unit: str = "", link_period: str = "", requeued: int | None = None):
    with console_request(request) as (session, viewer):
        query = select(Message, Unit).join(Unit, Unit.id == Message.unit_id)
        if state in STATE_LABELS:
            query = query.where(Message.state == state)
        if kind in KIND_LABELS:
            query = query.where(Message.kind == kind)
        if unit:
            query = query.where(Unit.name == unit)
        count = session.exec(select(func.count()).select_from(query.subquery())).one()
        pages = max(1, -(-count // PAGE_SIZE))
        page_number = min(max(page_number, 1), pages)
        rows = session.exec(query.order_by(Message.id.desc()).offset((page_number - 1) * PAGE_SIZE)
                            .limit(PAGE_SIZE)).all()
        units = session.exec(select(Unit).where(~Unit.is_office, ~Unit.is_leader).order_by(Unit.name)).all()
        waiting = dict(session.exec(select(Message.state, func.count()).where(Message.state.in_(RESENDABLE))
                                    .group_by(Message.state)).all())
        link = _link(viewer.office, units, link_unit, link_period) if link_unit else None
    return page(request, "messages.html.j2", viewer, rows=rows, count=count, pages=pages, page_number=page_number,
                state=state, kind=kind, unit=unit, states=STATE_LABELS, kinds=KIND_LABELS, channels=CHANNEL_LABELS,
                units=units,
                waiting=waiting, requeued=requeued, link=link, link_unit=link_unit,
                link_period=link_period or today().strftime("%Y-%m"))


def _check_period(period: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise Refused(f"月份须写作 年-月（如 2020-06），“{period[:20]}”不是月份。", 400)
    return period


def _link(office: str, units: list[Unit], name: str, period: str) -> dict:
    found = next((u for u in units if u.name == name), None)
    if found is None:
        raise Refused(f"没有单位“{name[:40]}”。", 404)
    return {"unit": found, "period": _check_period(period), "url": report_links(office).url(found.slug, period)}


@router.post("/messages/requeue")
def resend(request: Request, state: Annotated[str, Form()] = "", ids: Annotated[list[int], Form()] = (),
           csrf: Annotated[str, Form()] = ""):
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        if state not in RESENDABLE:
            raise Refused("只能重发“发送失败已停止”或“不确定是否送达”的消息。", 400)
        count = requeue(session=session, state=state, ids=list(ids) or None)
        audit(viewer.user.name, "重发消息", STATE_LABELS[state],
              ("消息 " + "、".join(map(str, ids)) if ids else "全部") + f"；重新排队 {count} 条", session=session)
    return RedirectResponse(f"/console/messages?requeued={count}", status_code=303)


@router.get("/messages/sheet")
def report_sheet(request: Request, unit: str = "", period: str = ""):
    """The unit's report sheet (.xlsx) to send it by hand or print."""
    with console_request(request) as (session, _viewer):
        found = session.exec(select(Unit).where(Unit.name == unit)).first()
        if found is None:
            raise Refused(f"没有单位“{unit[:40]}”。", 404)
        folder = Path(tempfile.mkdtemp(prefix="reformflow-sheet-"))
        path = write_template(found, _check_period(period), folder / f"report-{found.slug}-{period}.xlsx",
                              session=session)
    return FileResponse(path, filename=path.name, media_type="application/octet-stream",
                        background=BackgroundTask(_remove, folder), headers={"Cache-Control": "no-store"})


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
