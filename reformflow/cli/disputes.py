"""`reformflow disputes …`: 异议 raised by units on their pages, and the office's decision."""

from __future__ import annotations

from typing import Annotated

import typer

from reformflow.cli.output import fail, printable
from reformflow.core.settings import settings

app = typer.Typer(help="异议: units saying a task is not theirs, or proposing another lead.", no_args_is_help=True)



@app.command("list")
def disputes_list():
    """The disputes waiting for the office, oldest first."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import Dispute, DisputeState, Task, Unit

    with db.transaction(settings.office) as session:
        units = {u.id: u.name for u in session.exec(select(Unit))}
        for dispute, task in session.exec(select(Dispute, Task).join(Task, Task.id == Dispute.task_id)
                                          .where(Dispute.state == DisputeState.PENDING).order_by(Dispute.raised_at)):
            proposal = f"，建议由{units[dispute.proposed_lead_id]}牵头" if dispute.proposed_lead_id else ""
            typer.echo(printable(f"{dispute.id:>5} {units[dispute.unit_id]} 任务{task.code} {task.title}："
                                 f"{dispute.reason}{proposal}"))


@app.command("decide")
def disputes_decide(dispute_id: Annotated[int, typer.Argument(help="The dispute.")],
                    decision: Annotated[str, typer.Argument(help="accept | reject")],
                    comment: Annotated[str | None, typer.Option(help="The office's reasons.")] = None):
    """Accept (the unit leaves the task; a proposed lead takes it over) or reject a dispute."""
    from reformflow.core import db
    from reformflow.models import Dispute
    from reformflow.supervision.lifecycle import TransitionError, decide_dispute

    if decision not in ("accept", "reject"):
        fail("决定须为 accept（异议成立）或 reject（异议不成立）")
    with db.transaction(settings.office) as session:
        dispute = session.get(Dispute, dispute_id)
        if dispute is None:
            fail(f"没有编号为 {dispute_id} 的异议")
        try:
            decide_dispute(dispute, decision == "accept", comment, session=session)
        except TransitionError as exc:
            fail(str(exc))
    typer.echo(f"异议 {dispute_id}：{'成立' if decision == 'accept' else '不成立'}")
