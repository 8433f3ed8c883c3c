"""审核: the lead units' completion claims and extension requests waiting for the office, oldest first, each with
the task's other reports and evidence beside it; accept (销号) or return a claim, approve or reject an extension.

The decision is `supervision.reports.submissions.review`, the same function as `reformflow reports review`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from reformflow.console.accounts import audit
from reformflow.console.tasks import task_reports
from reformflow.console.web import Refused, console_request, page
from reformflow.models import REVIEW_LABELS, Document, Review, Task
from reformflow.supervision.lifecycle import TransitionError
from reformflow.supervision.reports.submissions import pending_reviews, review

router = APIRouter()
DECISIONS = {"accept": Review.ACCEPTED, "return": Review.RETURNED, "approve": Review.APPROVED,
             "reject": Review.REJECTED}


@router.get("/review")
def review_page(request: Request, done: int | None = None):
    with console_request(request) as (session, viewer):
        waiting = []
        for report, task, unit in pending_reviews(session=session):
            rows = task_reports(task.id, session=session)
            evidence = next(items for filed, _, items in rows if filed.id == report.id)
            others = [row for row in rows if row[0].id != report.id]
            waiting.append({"report": report, "task": task, "unit": unit, "evidence": evidence, "others": others,
                            "document": session.get(Document, task.document_id)})
    return page(request, "review.html.j2", viewer, waiting=waiting, done=done)


@router.post("/review/{report_id}")
def decide(request: Request, report_id: int, decision: Annotated[str, Form()] = "",
           comment: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""):
    with console_request(request, decide=True, csrf=csrf) as (session, viewer):
        if decision not in DECISIONS:
            raise Refused("请选择决定：销号、退回、批准延期或不予延期。", 400)
        try:
            report = review(report_id, DECISIONS[decision], comment.strip() or None, session=session)
        except TransitionError as exc:
            raise Refused(str(exc), 400) from exc
        task = session.get(Task, report.task_id)
        audit(viewer.user.name, REVIEW_LABELS[DECISIONS[decision]], f"报告{report.id}（任务{task.code} {task.title}）",
              comment.strip(), session=session)
    return RedirectResponse(f"/console/review?done={report_id}", status_code=303)
