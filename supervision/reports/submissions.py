"""Reports filed on the web page: checking a submission, storing it with its evidence, ingesting it, and the
office's review (销号 of a completion, approval of an extension; the original deadline stays on record).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from reformflow.models import (
    STATUS_LABELS,
    Assignment,
    Evidence,
    MessageKind,
    Review,
    StatusReport,
    Task,
    TaskStatus,
    Unit,
    utcnow,
)
from reformflow.notifications.outbox import enqueue_rendered, unit_channels
from reformflow.supervision.lifecycle import TransitionError, needs_review, on_report
from reformflow.supervision.lifecycle import review as lifecycle_review

# Evidence: office documents and pictures, recognised by their first bytes as well as their name.
SIGNATURES = {".pdf": (b"%PDF",), ".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
              ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0",),
              ".xls": (b"\xd0\xcf\x11\xe0",)}
TEXT_LIMIT = 4000


@dataclass
class Submission:
    status: str
    progress: int
    narrative: str
    problems: str
    next_steps: str
    requested_deadline: date | None


def check_submission(form: dict[str, str], task: Task) -> tuple[Submission | None, dict[str, str]]:
    """The form's values, or the errors to show beside each field (in Chinese, for the person filling it)."""
    errors: dict[str, str] = {}
    status = form.get("status", "")
    if status not in STATUS_LABELS:
        errors["status"] = "请选择任务状态。"
    progress = None
    try:
        progress = int(form.get("progress", "").strip())
        if not 0 <= progress <= 100:
            errors["progress"] = "进度应在 0 到 100 之间。"
    except ValueError:
        errors["progress"] = "请填写 0 到 100 之间的整数。"
    texts = {name: form.get(name, "").strip() for name in ("narrative", "problems", "next_steps")}
    if not texts["narrative"]:
        errors["narrative"] = "请填写进展情况。"
    for name, value in texts.items():
        if len(value) > TEXT_LIMIT:
            errors[name] = f"不超过 {TEXT_LIMIT} 字。"
    if status == "completed" and progress is not None and progress != 100:
        errors["progress"] = "报告已完成时，进度应为 100。"
    requested = _requested_deadline(form, task, status, errors)
    if errors:
        return None, errors
    return Submission(status, progress, texts["narrative"], texts["problems"], texts["next_steps"], requested), {}


def _requested_deadline(form: dict[str, str], task: Task, status: str, errors: dict[str, str]) -> date | None:
    if status != "extension_requested":
        return None
    try:
        requested = date.fromisoformat(form.get("requested_deadline", "").strip())
    except ValueError:
        errors["requested_deadline"] = "申请延期须填写申请的完成日期（年-月-日）。"
        return None
    if task.due and requested <= task.due:
        errors["requested_deadline"] = f"申请的日期应晚于现在的完成时限（{task.due.isoformat()}）。"
    if not form.get("problems", "").strip():
        errors["problems"] = "申请延期须在“存在问题”中说明理由。"
    return requested


def check_evidence(name: str, head: bytes, size: int, limit: int) -> str | None:
    """Why an upload is refused, or None. `head` is its first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix not in SIGNATURES:
        return f"不接受 {suffix or '无扩展名'} 文件；可上传 PDF、图片、Word 或 Excel 文件。"
    if size > limit:
        return f"文件过大（{size / 1048576:.1f} MB），不超过 {limit / 1048576:.0f} MB。"
    if not head.startswith(SIGNATURES[suffix]):
        return f"文件内容不是真正的 {suffix} 文件。"
    return None


def store_submission(task: Task, unit: Unit, period: str, submission: Submission, evidence: tuple[str, bytes] | None,
                     *, session: Session, evidence_dir: Path, key: str | None = None) -> StatusReport:
    """`key` is the form's one-time key: storing the same key twice for a unit violates a unique constraint, so a
    double-click racing past `submitted_with` is stored once all the same."""
    report = StatusReport(task_id=task.id, unit_id=unit.id, period=period, status=submission.status,
                          progress=submission.progress, narrative=submission.narrative, problems=submission.problems,
                          next_steps=submission.next_steps, requested_deadline=submission.requested_deadline,
                          submitted_at=utcnow(), source="web", submission_key=key)
    session.add(report)
    session.flush()
    if evidence is not None:
        name, content = evidence
        digest = hashlib.sha256(content).hexdigest()
        evidence_dir.mkdir(parents=True, exist_ok=True)
        stored = evidence_dir / digest  # no extension and never served inline: it cannot act as a web page
        if not stored.exists():
            stored.write_bytes(content)
        session.add(Evidence(report_id=report.id, file_name=Path(name).name[:200], stored_as=digest,
                             content_type="application/octet-stream", size=len(content)))
    on_report(report, session=session)
    return report


def submitted_with(unit: Unit, key: str, *, session: Session) -> StatusReport | None:
    """The report a unit already filed with this form key: a replayed or double-clicked form."""
    return session.exec(select(StatusReport).where(StatusReport.unit_id == unit.id,
                                                   StatusReport.submission_key == key)).first()


def evidence_visible_to(unit: Unit, public_id: str, period: str, *, session: Session) -> Evidence | None:
    """An evidence file the unit may download with its link for this period: its own report's, or, on a task it
    leads, its co-units'. Any other file is as if it did not exist."""
    row = session.exec(select(Evidence, StatusReport).join(StatusReport, StatusReport.id == Evidence.report_id)
                       .where(Evidence.public_id == public_id, StatusReport.period == period)).first()
    if row is None:
        return None
    evidence, report = row
    if report.unit_id == unit.id:
        return evidence
    role = session.exec(select(Assignment.role).where(Assignment.unit_id == unit.id,
                                                      Assignment.task_id == report.task_id)).first()
    return evidence if role == "lead" else None


def ingest_report(report_id: int, *, session: Session) -> list[str]:
    """Tell the office about a lead unit's completion claim or extension request (once per report and channel);
    the task itself moved when the report was stored."""
    report = session.get(StatusReport, report_id)
    if report is None:
        raise ValueError(f"no report {report_id}")
    if not needs_review(report, session=session):
        return []
    task, unit = session.get(Task, report.task_id), session.get(Unit, report.unit_id)
    office = session.exec(select(Unit).where(Unit.is_office)).one()
    queued: list[str] = []
    for channel in unit_channels(session=session).get(office.id, []):
        queued += enqueue_rendered(f"review:{report.id}:{channel}", office, MessageKind.REVIEW, channel,
                                   "review_request", session=session, report=report, task=task, unit=unit)
    return queued


def review(report_id: int, decision: Review, comment: str | None, *, session: Session) -> StatusReport:
    """The office's decision on a completion claim (accept, return) or an extension request (approve, reject)."""
    report = session.get(StatusReport, report_id)
    if report is None:
        raise TransitionError(f"没有编号为 {report_id} 的报告。")
    lifecycle_review(report, decision, comment, session=session)
    return report


def pending_reviews(*, session: Session) -> list[tuple[StatusReport, Task, Unit]]:
    """The lead units' completion claims and extension requests waiting for the office, oldest first."""
    query = (select(StatusReport, Task, Unit).join(Task, Task.id == StatusReport.task_id)
             .join(Unit, Unit.id == StatusReport.unit_id)
             .where(StatusReport.status.in_((TaskStatus.COMPLETED, TaskStatus.EXTENSION_REQUESTED)),
                    StatusReport.review.is_(None))
             .order_by(StatusReport.submitted_at))
    return [(report, task, unit) for report, task, unit in session.exec(query)
            if needs_review(report, session=session)]


def submitted_at_local(report: StatusReport, zone) -> datetime:
    return report.submitted_at.astimezone(zone)
