"""`reformflow tasks …`: tasks whose reading the office must check before anything is sent, and a task's history."""

from __future__ import annotations

from typing import Annotated

import typer

from reformflow.cli.output import fail, printable
from reformflow.core.settings import settings

app = typer.Typer(help="Tasks: doubtful readings to confirm (待确认), and what happened to a task.",
                  no_args_is_help=True)
Source = Annotated[str, typer.Argument(help="The document's file name, as `reformflow extract` shows it.")]
Code = Annotated[str, typer.Argument(help="The task's number in the document.")]



@app.command("review")
def tasks_review():
    """The tasks held as 待确认 (a scan, or a reading the reader was unsure of), least sure first, with why."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import Document, Task, TaskStage

    with db.transaction(settings.office) as session:
        rows = session.exec(select(Task, Document).join(Document, Document.id == Task.document_id)
                            .where(Task.stage == TaskStage.DRAFT, Task.removed_at.is_(None))
                            .order_by(Task.confidence, Document.source, Task.id)).all()
        typer.echo(f"待确认的任务：{len(rows)} 项（核对原文后用 reformflow tasks confirm 文件 序号 确认）")
        for task, document in rows:
            co = "；配合：" + "、".join(task.co_mentions) if task.co_mentions else ""
            units = "、".join(task.lead_mentions) + co
            typer.echo(printable(f"{document.source}#{task.code} {task.title}  可信度 {task.confidence:.2f}"
                                 f"（{'；'.join(task.doubts) or '扫描件'}）  牵头：{units or '—'}  "
                                 f"时限：{task.deadline or '—'}"))


@app.command("confirm")
def tasks_confirm(source: Source, code: Code):
    """The office checked the task against the original: it is 交办 like any other (if it has a lead unit)."""
    from reformflow.core import db
    from reformflow.supervision.lifecycle import TransitionError, confirm

    with db.transaction(settings.office) as session:
        task = _task(session, source, code)
        try:
            confirm(task, session=session)
        except TransitionError as exc:
            fail(str(exc))
        typer.echo(f"{source}#{code}：已确认（{task.stage}）")


@app.command("history")
def tasks_history(source: Source, code: Code):
    """Every transition and decision of a task: who, when, what."""
    from reformflow.core import db
    from reformflow.models import EVENT_LABELS
    from reformflow.supervision.lifecycle import history

    with db.transaction(settings.office) as session:
        for event in history(_task(session, source, code), session=session):
            detail = f"：{event.detail}" if event.detail else ""
            typer.echo(printable(f"{event.at:%Y-%m-%d %H:%M} {EVENT_LABELS.get(event.kind, event.kind)} "
                                 f"（{event.actor}）{detail}"))


def _task(session, source: str, code: str):
    from sqlmodel import select

    from reformflow.models import Document, Task

    task = session.exec(select(Task).join(Document, Document.id == Task.document_id)
                        .where(Document.source == source, Task.code == code)).first()
    if task is None:
        fail(f"没有 {source} 的第 {code} 项任务")
    return task
