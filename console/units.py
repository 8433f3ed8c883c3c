"""单位: the unit mentions the office must decide (with the nearest names), suggested lead units for tasks that
name none, and the 异议 raised by units. Each is decided with a click.

The same functions as `reformflow units decide/confirm`, `reformflow assign` and `reformflow disputes decide`:
a decision is recorded in the office's decisions file, then the assignment runs again in the same transaction and
the units newly given a task are queued their 交办通知 (sent by the next delivery, within office hours).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, select

from reformflow.console.accounts import audit
from reformflow.console.numbers import task_ids
from reformflow.console.web import Refused, console_request, office_transaction, page, today
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.office import report_links
from reformflow.models import Dispute, DisputeState, Document, Task, Unit
from reformflow.supervision.lifecycle import TransitionError, decide_dispute
from reformflow.supervision.units.assignment import AssignSummary, assign_tasks
from reformflow.supervision.units.directory import Directory, DirectoryError, load_directory
from reformflow.supervision.units.notices import queue_assignment_notices
from reformflow.supervision.units.resolution import Decision, Decisions, load_decisions
from reformflow.supervision.units.suggestions import suggest_for_ledger

router = APIRouter()


def directory_and_decisions(office: str) -> tuple[Directory, Decisions]:
    try:
        profile = get_office(office)
        return load_directory(profile.directory), load_decisions(profile.decisions_path)
    except DirectoryError as exc:
        raise Refused(f"单位名录或决定文件有误，请管理员修正：{exc}", 500) from exc


def _preview(office: str, directory: Directory, decisions: Decisions) -> AssignSummary:
    """What the assignment would ask the office, computed in a transaction of its own and rolled back."""
    with office_transaction(office) as session:
        summary = assign_tasks(directory, decisions, session=session)
        session.rollback()
    return summary


@router.get("/units")
def units_page(request: Request, done: str | None = None):
    with console_request(request) as (session, viewer):
        office = viewer.office
        directory, decisions = directory_and_decisions(office)
        suggestions = suggest_for_ledger(session=session)
        disputes = _pending_disputes(session=session)
        titles = dict(session.exec(select(Document.source, Document.title)).all())
        ids = task_ids(session=session)
    summary = _preview(office, directory, decisions)
    mentions: dict[tuple[str, str], list] = defaultdict(list)
    for item in summary.review:
        mentions[(item.mention, item.reason)].append(item)
    return page(request, "units.html.j2", viewer, mentions=sorted(mentions.items()), suggestions=suggestions,
                disputes=disputes, unit_names=sorted(directory.units), done=done, titles=titles, ids=ids)


def _pending_disputes(*, session: Session) -> list[dict]:
    units = {u.id: u.name for u in session.exec(select(Unit))}
    return [{"dispute": d, "task": t, "unit": units[d.unit_id], "proposed": units.get(d.proposed_lead_id)}
            for d, t in session.exec(select(Dispute, Task).join(Task, Task.id == Dispute.task_id)
                                     .where(Dispute.state == DisputeState.PENDING).order_by(Dispute.raised_at))]


def reassign(office: str, directory: Directory, decisions: Decisions, *, session: Session) -> AssignSummary:
    """The assign flow's steps: assignments from the directory and decisions, 交办通知 to units given new tasks."""
    summary = assign_tasks(directory, decisions, session=session)
    queue_assignment_notices(today(), session=session, links=report_links(office),
                             within=settings.acknowledge_within_days)
    return summary


@router.post("/units/decide")
def decide_mention(request: Request, mention: Annotated[str, Form()] = "", units: Annotated[list[str], Form()] = (),
                   ignore: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""):
    names = [n.strip() for value in units for n in value.replace("，", ",").replace("、", ",").split(",") if n.strip()]
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        directory, decisions = directory_and_decisions(viewer.office)
        unknown = [n for n in names if n not in directory.units]
        if not mention.strip():
            raise Refused("缺少要确定的单位名称。", 400)
        if unknown:
            raise Refused(f"单位名录中没有：{'、'.join(unknown)}。请从名录中选择。", 400)
        if not names and ignore != "1":
            raise Refused(f"请为“{mention}”选择单位，或选择“无需交办”。", 400)
        decisions.add(Decision(mention=mention.strip(), units=names, ignore=ignore == "1"))
        summary = reassign(viewer.office, directory, decisions, session=session)
        audit(viewer.user.name, "确定单位名称", mention.strip(), "、".join(names) or "无需交办", session=session)
    return RedirectResponse(f"/console/units?done={len(summary.added)}", status_code=303)


@router.post("/units/confirm")
def confirm_suggestion(request: Request, source: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
                       unit: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""):
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        directory, decisions = directory_and_decisions(viewer.office)
        if unit not in directory.units:
            raise Refused(f"单位名录中没有“{unit}”。", 400)
        decisions.add(Decision(source=source, code=code, units=[unit], role="lead"))
        summary = reassign(viewer.office, directory, decisions, session=session)
        audit(viewer.user.name, "确认牵头单位", f"{source} 任务{code}", unit, session=session)
    return RedirectResponse(f"/console/units?done={len(summary.added)}", status_code=303)


@router.post("/disputes/{dispute_id}")
def decide_on_dispute(request: Request, dispute_id: int, decision: Annotated[str, Form()] = "",
                      comment: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""):
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        if decision not in ("accept", "reject"):
            raise Refused("请选择：异议成立，或异议不成立。", 400)
        dispute = session.get(Dispute, dispute_id)
        if dispute is None:
            raise Refused("没有这项异议。", 404)
        try:
            decide_dispute(dispute, decision == "accept", comment.strip() or None, session=session)
        except TransitionError as exc:
            raise Refused(str(exc), 400) from exc
        audit(viewer.user.name, "异议成立" if decision == "accept" else "异议不成立", f"异议{dispute_id}",
              comment.strip(), session=session)
    return RedirectResponse("/console/units?done=dispute", status_code=303)
