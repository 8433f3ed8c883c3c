"""The supervision lifecycle of a task, written once: 交办 → 签收 → 办理 → 申请销号 → 复核 → 办结, with 延期 and 异议.

Every transition is a function here, records a `TaskEvent` (who, when, what, from which stage to which) and is
used by reports, review, reminders and the bulletin alike. Co-units report their part; only the lead unit's
claim asks for 销号, and only the office closes a task. A report never undoes the office's decision: after a
returned claim the task stays 办理中 whatever a co-unit files later.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import update
from sqlmodel import Session, select

from reformflow.models import (
    STAGE_LABELS,
    Assignment,
    Dispute,
    DisputeState,
    Document,
    EventKind,
    MessageKind,
    Review,
    Role,
    StatusReport,
    Task,
    TaskEvent,
    TaskStage,
    TaskStatus,
    Unit,
    utcnow,
)
from reformflow.models.bulk import insert_rows

OFFICE = "改革办"
SYSTEM = "系统"
# The stages in which units hear about a task (notices, reminders, chases) and see it on their page.
OPEN_STAGES = (TaskStage.ASSIGNED, TaskStage.ACKNOWLEDGED, TaskStage.IN_PROGRESS, TaskStage.CLAIMED)


class TransitionError(ValueError):
    """A decision the task's state does not allow; the message says why, in Chinese, for the office."""


def record(task: Task, kind: EventKind, *, session: Session, actor: str, unit: Unit | None = None,
           detail: str = "", to: TaskStage | None = None) -> TaskEvent:
    before = task.stage
    if to is not None and to != task.stage:
        task.stage = to
        task.updated_at = utcnow()
        session.add(task)
    event = TaskEvent(task_id=task.id, unit_id=unit.id if unit else None, kind=kind, stage_before=before,
                      stage_after=task.stage, actor=actor, detail=detail)
    session.add(event)
    return event


def lead_ids(task: Task, *, session: Session) -> set[int]:
    return set(session.exec(select(Assignment.unit_id).where(Assignment.task_id == task.id,
                                                             Assignment.role == Role.LEAD)))


@cache  # a handful of (stage, has_lead) pairs, asked once per task of a province's ledger
def assignment_transition(stage: str, has_lead: bool) -> tuple[EventKind, TaskStage, str] | None:
    """After assignment: a task with no lead unit waits for the office (待落实); one that gained its units is 交办.
    A draft waits for the office to confirm the reading first; a closed task stays closed."""
    if stage == TaskStage.DRAFT:
        return None
    if stage == TaskStage.UNASSIGNED and has_lead:
        return EventKind.ASSIGNED, TaskStage.ASSIGNED, ""
    if stage != TaskStage.UNASSIGNED and not has_lead and stage != TaskStage.CLOSED:
        return EventKind.UNASSIGNED, TaskStage.UNASSIGNED, "没有牵头单位"
    return None


def settle_assignment(task: Task, *, session: Session, has_lead: bool | None = None) -> None:
    has_lead = bool(lead_ids(task, session=session)) if has_lead is None else has_lead
    transition = assignment_transition(task.stage, has_lead)
    if transition is not None:
        kind, stage, detail = transition
        record(task, kind, session=session, actor=SYSTEM, detail=detail, to=stage)


def settle_assignments(tasks: dict[int, tuple[str, bool]], *, session: Session) -> None:
    """`settle_assignment` for many tasks (task id → (stage, has a lead unit)): one UPDATE per new stage, the
    events in one insert. Task objects the session holds are refreshed."""
    now, events, moved = utcnow(), [], {}
    for task_id, (stage, has_lead) in tasks.items():
        transition = assignment_transition(stage, has_lead)
        if transition is not None:
            kind, to, detail = transition
            moved.setdefault(to, []).append(task_id)
            events.append({"task_id": task_id, "unit_id": None, "kind": kind, "stage_before": stage,
                           "stage_after": to, "actor": SYSTEM, "detail": detail, "at": now})
    connection = session.connection()
    for stage, ids in moved.items():
        for start in range(0, len(ids), 500):
            connection.execute(update(Task).where(Task.id.in_(ids[start:start + 500])).values(stage=stage,
                                                                                             updated_at=now))
    insert_rows(session, TaskEvent.__table__, events)
    changed = {task_id for ids in moved.values() for task_id in ids}
    for item in list(session.identity_map.values()):
        if isinstance(item, Task) and item.id in changed:
            session.expire(item)


def confirm(task: Task, *, session: Session) -> None:
    """The office has checked a doubtful reading (low confidence, a scan): the task enters the lifecycle."""
    if task.stage != TaskStage.DRAFT:
        raise TransitionError(f"任务 {task.code} 不是待确认的任务。")
    record(task, EventKind.CONFIRMED, session=session, actor=OFFICE, detail="；".join(task.doubts),
           to=TaskStage.UNASSIGNED)
    settle_assignment(task, session=session)


def acknowledge(task: Task, unit: Unit, *, session: Session) -> bool:
    """签收 by a unit on its page. False when it had acknowledged before (nothing changes)."""
    assignment = session.exec(select(Assignment).where(Assignment.task_id == task.id,
                                                       Assignment.unit_id == unit.id)).one()
    if assignment.acknowledged_at is not None:
        return False
    assignment.acknowledged_at = utcnow()
    session.add(assignment)
    to = TaskStage.ACKNOWLEDGED if assignment.role == Role.LEAD and task.stage == TaskStage.ASSIGNED else None
    record(task, EventKind.ACKNOWLEDGED, session=session, actor=unit.name, unit=unit, to=to)
    return True


def on_report(report: StatusReport, *, session: Session) -> None:
    """A filed report: progress recorded; the lead's completion claim asks for 销号; a report is also 签收."""
    task, unit = session.get(Task, report.task_id), session.get(Unit, report.unit_id)
    assignment = session.exec(select(Assignment).where(Assignment.task_id == task.id,
                                                       Assignment.unit_id == unit.id)).first()
    is_lead = assignment is not None and assignment.role == Role.LEAD
    if assignment is not None and assignment.acknowledged_at is None:
        assignment.acknowledged_at = report.submitted_at
        session.add(assignment)
    if task.stage == TaskStage.CLOSED or (is_lead and _superseded(report, session=session)):
        # 办结 is final; and a report older than what the lead filed since, or than a claim the office already
        # decided on, is kept on record but moves nothing (report files may arrive in any order).
        record(task, EventKind.REPORTED, session=session, actor=unit.name, unit=unit, detail=report.narrative[:200])
        return
    if is_lead:
        task.status, task.progress = report.status, report.progress
        session.add(task)
    if is_lead and report.status == TaskStatus.COMPLETED:
        record(task, EventKind.CLAIMED, session=session, actor=unit.name, unit=unit, detail=report.narrative[:200],
               to=TaskStage.CLAIMED)
    elif is_lead and report.status == TaskStatus.EXTENSION_REQUESTED:
        record(task, EventKind.EXTENSION_REQUESTED, session=session, actor=unit.name, unit=unit,
               detail=f"申请延至 {report.requested_deadline}；{report.problems[:200]}", to=_working(task))
    else:
        record(task, EventKind.REPORTED, session=session, actor=unit.name, unit=unit, detail=report.narrative[:200],
               to=_working(task))


def _superseded(report: StatusReport, *, session: Session) -> bool:
    leads = lead_ids(session.get(Task, report.task_id), session=session)
    later = session.exec(select(StatusReport.id).where(
        StatusReport.task_id == report.task_id, StatusReport.id != report.id, StatusReport.unit_id.in_(leads),
        (StatusReport.submitted_at > report.submitted_at)
        | ((StatusReport.submitted_at >= report.submitted_at) & StatusReport.review.is_not(None)))).first()
    return later is not None


def _working(task: Task) -> TaskStage:
    """A report moves a task into 办理; a pending claim stays pending until the office decides."""
    return TaskStage.CLAIMED if task.stage == TaskStage.CLAIMED else TaskStage.IN_PROGRESS


def needs_review(report: StatusReport, *, session: Session) -> bool:
    """Only the lead unit's completion claims and extension requests go to the office."""
    if report.review is not None or report.status not in (TaskStatus.COMPLETED, TaskStatus.EXTENSION_REQUESTED):
        return False
    return report.unit_id in lead_ids(session.get(Task, report.task_id), session=session)


def review(report: StatusReport, decision: Review, comment: str | None, *, session: Session) -> Task:
    """复核: accept (办结) or return a completion claim; approve or reject an extension request."""
    task = session.get(Task, report.task_id)
    _check_review(report, decision, comment, task, session=session)
    report.review, report.review_comment, report.reviewed_at = decision, comment, utcnow()
    session.add(report)
    unit = session.get(Unit, report.unit_id)
    if decision == Review.ACCEPTED:
        task.closed_at = utcnow()
        record(task, EventKind.ACCEPTED, session=session, actor=OFFICE, unit=unit, detail=comment or "",
               to=TaskStage.CLOSED)
    elif decision == Review.RETURNED:
        task.closed_at = None
        record(task, EventKind.RETURNED, session=session, actor=OFFICE, unit=unit, detail=comment or "",
               to=TaskStage.IN_PROGRESS)
    elif decision == Review.APPROVED:
        task.extended_deadline = report.requested_deadline
        detail = f"完成时限由 {task.deadline} 延至 {report.requested_deadline}" + (f"；{comment}" if comment else "")
        record(task, EventKind.EXTENSION_APPROVED, session=session, actor=OFFICE, unit=unit, detail=detail)
    else:
        record(task, EventKind.EXTENSION_REJECTED, session=session, actor=OFFICE, unit=unit, detail=comment or "")
    session.add(task)
    return task


def _check_review(report: StatusReport, decision: Review, comment: str | None, task: Task, *,
                  session: Session) -> None:
    allowed = {TaskStatus.COMPLETED: (Review.ACCEPTED, Review.RETURNED),
               TaskStatus.EXTENSION_REQUESTED: (Review.APPROVED, Review.REJECTED)}
    if report.review is not None:
        raise TransitionError(f"报告 {report.id} 已于此前审核（{report.review}），不能再次审核。")
    if decision not in allowed.get(report.status, ()):
        raise TransitionError(f"报告 {report.id} 不是销号或延期申请，不能作出这一决定。")
    if report.unit_id not in lead_ids(task, session=session):
        raise TransitionError(f"报告 {report.id} 由配合单位报送：配合单位报送其分工部分，不作销号或延期。")
    if decision in (Review.ACCEPTED, Review.RETURNED) and task.stage != TaskStage.CLAIMED:
        raise TransitionError(f"任务当前为“{STAGE_LABELS[task.stage]}”，没有待审核的销号申请。")
    if task.stage == TaskStage.CLOSED:
        raise TransitionError("任务已办结，不再审核延期申请。")
    if decision == Review.RETURNED and not comment:
        raise TransitionError("退回须说明缺少什么（填写意见）。")
    if decision == Review.APPROVED and report.requested_deadline is None:
        raise TransitionError("延期申请没有写明申请的完成日期，不能批准。")


def raise_dispute(task: Task, unit: Unit, reason: str, proposed_lead: Unit | None, *, session: Session) -> Dispute:
    """异议 from a unit: "not our duty", or a different lead proposed. The office is told and decides."""
    _check_dispute(task, unit, reason, proposed_lead, session=session)
    dispute = Dispute(task_id=task.id, unit_id=unit.id, reason=reason.strip(),
                      proposed_lead_id=proposed_lead.id if proposed_lead else None)
    session.add(dispute)
    session.flush()
    record(task, EventKind.DISPUTED, session=session, actor=unit.name, unit=unit,
           detail=reason.strip() + (f"；建议由{proposed_lead.name}牵头" if proposed_lead else ""))
    # Imported here: the outbox brings the senders (Apprise, HTTP clients) along, and the read-only commands that
    # use this module (`units check`, `reports review`) must start without them.
    from reformflow.notifications.outbox import enqueue_rendered, unit_channels

    office = session.exec(select(Unit).where(Unit.is_office)).first()
    document = session.get(Document, task.document_id)
    for channel in unit_channels(session=session).get(office.id, []) if office else []:
        enqueue_rendered(f"dispute:{dispute.id}:{channel}", office, MessageKind.DISPUTE, channel, "dispute",
                         session=session, unit=unit, task=task, document=document, dispute=dispute,
                         proposed=proposed_lead)
    return dispute


def _check_dispute(task: Task, unit: Unit, reason: str, proposed: Unit | None, *, session: Session) -> None:
    if not reason.strip():
        raise TransitionError("异议须说明理由。")
    if proposed is not None and (proposed.is_office or proposed.is_leader or proposed.id == unit.id):
        raise TransitionError("建议的牵头单位须是本单位以外的责任单位。")
    pending = session.exec(select(Dispute.id).where(Dispute.task_id == task.id, Dispute.unit_id == unit.id,
                                                    Dispute.state == DisputeState.PENDING)).first()
    if pending is not None:
        raise TransitionError("贵单位对这项任务的异议正在等待改革办决定，请勿重复提交。")


def decide_dispute(dispute: Dispute, accept: bool, comment: str | None, *, session: Session) -> None:
    """The office's decision. Accepted: the unit leaves the task, and the proposed unit leads it. The decision
    is kept, so re-running the assignment keeps it (see `overrides`)."""
    if dispute.state != DisputeState.PENDING:
        raise TransitionError(f"异议 {dispute.id} 已处理。")
    task, unit = session.get(Task, dispute.task_id), session.get(Unit, dispute.unit_id)
    dispute.state = DisputeState.ACCEPTED if accept else DisputeState.REJECTED
    dispute.comment, dispute.decided_at = comment, utcnow()
    session.add(dispute)
    if accept:
        apply_override(task, dispute, session=session)
    record(task, EventKind.DISPUTE_ACCEPTED if accept else EventKind.DISPUTE_REJECTED, session=session,
           actor=OFFICE, unit=unit, detail=comment or "")
    settle_assignment(task, session=session)


def overrides(*, session: Session) -> dict[int, list[Dispute]]:
    """task id → the accepted disputes that change its units, oldest first."""
    found: dict[int, list[Dispute]] = {}
    for dispute in session.exec(select(Dispute).where(Dispute.state == DisputeState.ACCEPTED)
                                .order_by(Dispute.decided_at)):
        found.setdefault(dispute.task_id, []).append(dispute)
    return found


def apply_override(task: Task, dispute: Dispute, *, session: Session) -> None:
    """Remove the disputing unit; make the proposed unit the lead (the former leads become co-units)."""
    current = {a.unit_id: a for a in session.exec(select(Assignment).where(Assignment.task_id == task.id))}
    if dispute.unit_id in current:
        session.delete(current.pop(dispute.unit_id))
    if dispute.proposed_lead_id is not None:
        for assignment in current.values():
            if assignment.role == Role.LEAD:
                assignment.role = Role.CO
                session.add(assignment)
        lead = current.get(dispute.proposed_lead_id) or Assignment(task_id=task.id, unit_id=dispute.proposed_lead_id,
                                                                   role=Role.LEAD, mention="（异议裁定）")
        lead.role = Role.LEAD
        session.add(lead)
    session.flush()


def history(task: Task, *, session: Session) -> list[TaskEvent]:
    return list(session.exec(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.at,
                                                                                            TaskEvent.id)))


def due_on(task: Task) -> date | None:
    """The deadline in force: an approved extension, else the document's (which stays on record)."""
    return task.extended_deadline or task.deadline
