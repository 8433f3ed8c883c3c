"""`reformflow reports …`: report files, personal links and the office's review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reformflow.cli.output import fail, printable
from reformflow.core.offices import get_office
from reformflow.core.settings import settings

app = typer.Typer(help="Status reports filed by agencies: files, links, the office's review.", no_args_is_help=True)



@app.command("import")
def reports_import(file: Path):
    """Import a report CSV (source, code, unit, status, progress, note, reported_at): all rows or none."""
    from reformflow.core import db
    from reformflow.supervision.reports.collect import ReportImportError, import_reports
    from reformflow.supervision.units.directory import load_directory

    with db.transaction(settings.office) as session:
        try:
            result = import_reports(file, load_directory(get_office().directory), session=session,
                                    timezone=settings.timezone)
        except ReportImportError as exc:
            fail(str(exc))
    typer.echo(f"{file.name}: {result.imported} reports imported, {result.already_present} already present")


@app.command("template")
def reports_template(unit: Annotated[str, typer.Option(help="Unit name (as in the directory).")],
                     period: Annotated[str, typer.Option(help="YYYY-MM")],
                     out: Annotated[Path | None, typer.Option(help="Where to write the .xlsx.")] = None):
    """Write a unit's ledger sheet to fill in (its tasks, with drop-downs for status and progress)."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.models import Unit
    from reformflow.supervision.reports.files import write_template

    with db.transaction(settings.office) as session:
        found = session.exec(select(Unit).where(Unit.name == unit)).first()
        if found is None:
            fail(f"no unit '{unit}' in the ledger (run `reformflow assign` first?)")
        path = write_template(found, period, out or Path(f"report-{found.slug}-{period}.xlsx"), session=session)
    typer.echo(f"written: {path}")


@app.command("link")
def reports_link(unit: Annotated[str, typer.Option(help="Unit name.")],
                 period: Annotated[str, typer.Option(help="YYYY-MM")]):
    """Print a unit's personal report link for a period (the reminders carry it too)."""
    from sqlmodel import select

    from reformflow.core import db
    from reformflow.flows.office import report_links
    from reformflow.models import Unit

    with db.transaction(settings.office) as session:
        found = session.exec(select(Unit).where(Unit.name == unit)).first()
    if found is None:
        fail(f"no unit '{unit}' in the ledger")
    typer.echo(report_links(settings.office).url(found.slug, period))


@app.command("review")
def reports_review(report_id: Annotated[int | None, typer.Argument(help="Report to decide on.")] = None,
                   decision: Annotated[str | None, typer.Argument(help="accept | return | approve | reject")] = None,
                   comment: Annotated[str | None, typer.Option(help="Why (required to return).")] = None):
    """Without arguments: the lead units' completion claims and extension requests waiting for the office. With a
    report and a decision: 销号 (accept) or return a claim; approve or reject an extension."""
    from reformflow.core import db
    from reformflow.models import REVIEW_LABELS, STATUS_LABELS, Review
    from reformflow.supervision.lifecycle import TransitionError
    from reformflow.supervision.reports.submissions import pending_reviews, review

    words = {"accept": Review.ACCEPTED, "return": Review.RETURNED, "approve": Review.APPROVED,
             "reject": Review.REJECTED}
    with db.transaction(settings.office) as session:
        if report_id is None:
            for report, task, unit in pending_reviews(session=session):
                extra = f"，申请延至{report.requested_deadline}" if report.requested_deadline else ""
                typer.echo(printable(f"{report.id:>6} {unit.name} 任务{task.code} {task.title}："
                                     f"{STATUS_LABELS.get(report.status, report.status)}{extra} — "
                                     f"{report.narrative[:60]}"))
            return
        if decision not in words:
            fail("决定须为 accept（销号）、return（退回）、approve（批准延期）或 reject（不予延期）之一")
        try:
            done = review(report_id, words[decision], comment, session=session)
        except TransitionError as exc:
            fail(str(exc))
    typer.echo(f"报告 {done.id}：{REVIEW_LABELS[done.review]}")

