"""supervision-cycle: extract → assign → remind → collect reports → bulletin, as subflows in the UI."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, tags
from prefect.artifacts import create_markdown_artifact

from reformflow.core.offices import get_office
from reformflow.flows.assign import assign_flow
from reformflow.flows.bulletin import monthly_bulletin
from reformflow.flows.collect import collect_reports
from reformflow.flows.extract import extract_flow
from reformflow.flows.office import office_today
from reformflow.flows.remind import reminder_sweep


@flow(name="supervision-cycle")
def supervision_cycle(documents: list[str], as_of: date | None = None, reports_file: str | None = None,
                      directory_file: str | None = None, office: str | None = None) -> dict:
    """One office's whole cycle on its documents."""
    logger = get_run_logger()
    office = get_office(office).slug
    as_of = as_of or office_today()
    # On every stage's run, so that the admin filters the UI by office and period.
    with tags(f"office:{office}", f"as-of:{as_of.isoformat()}", f"period:{as_of.strftime('%Y-%m')}"):
        extracted = extract_flow(documents, office)
        assigned = assign_flow(office, directory_file, as_of)
        reminders = reminder_sweep(office, as_of)
        reports = collect_reports(office, as_of, reports_file)
        bulletin = monthly_bulletin(office, as_of.strftime("%Y-%m"), as_of)
    logger.info("cycle for %s done: bulletin at %s", as_of, bulletin["html"])
    create_markdown_artifact(
        key=f"{office}-supervision-cycle",
        markdown=(f"# Supervision cycle, {office}, {as_of}\n\n| stage | result |\n|---|---|\n"
                  f"| extract | {len(extracted)} documents |\n| assign | {len(assigned.added)} assignments added, "
                  f"{len(assigned.review)} mentions to review |\n| remind | {reminders['queued']} queued, "
                  f"{reminders['sent']} sent |\n| collect | {reports['imported']} reports imported, "
                  f"{reports['chased']} chases |\n| bulletin | version {bulletin['version']}: {bulletin['html']} |\n"),
        description="What the whole cycle did")
    return {
        "office": office,
        "as_of": as_of.isoformat(),
        "tasks": sum(len(s.added) + len(s.changed) + s.unchanged for s in extracted),
        "assignments_added": len(assigned.added),
        "units_to_review": len(assigned.review),
        "reminders": reminders,
        "reports": reports,
        "bulletin": bulletin,
    }
