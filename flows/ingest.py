"""What arrives from outside, each answered by its own flow and event trigger:

- ingest-document: a document dropped into the inbox (`reformflow.document.received`) is extracted into the
  ledger and its units assigned;
- ingest-report: a report filed on the intake page (`reformflow.report.submitted`) tells the office about the
  lead unit's completion claim or extension request.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.flows.assign import assign_flow
from reformflow.flows.common import deliver_outbox
from reformflow.flows.extract import extract_flow
from reformflow.supervision.reports.submissions import ingest_report


@task(name="apply-report", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def apply_report(office: str, report_id: int) -> list[str]:
    with db.transaction(office) as session:
        return ingest_report(report_id, session=session)


@flow(name="ingest-report")
def ingest_report_flow(report_id: int, office: str | None = None) -> dict:
    logger = get_run_logger()
    office = get_office(office).slug
    queued = apply_report(office, report_id)
    logger.info("report %s ingested; %d messages to the office", report_id, len(queued))
    delivery = deliver_outbox(office, "ingest-report")
    create_markdown_artifact(key=f"{office}-ingest-report",
                             markdown=f"Report {report_id} ingested; {len(queued)} messages to the office; "
                                      f"{len(delivery.sent)} delivered now.",
                             description="What the last filed report changed")
    return {"office": office, "report_id": report_id, "queued": len(queued), "sent": len(delivery.sent)}


@flow(name="ingest-document")
def ingest_document(path: str, office: str | None = None) -> dict:
    """A document dropped into an office's inbox: extract it into its ledger and assign its units."""
    logger = get_run_logger()
    office = get_office(office).slug
    (summary,) = extract_flow([path], office)
    assigned = assign_flow(office)
    logger.info("%s; %s", summary.describe(), assigned.describe())
    return {"office": office, "document": summary.source, "added": len(summary.added), "changed": len(summary.changed),
            "assignments_added": len(assigned.added), "units_to_review": len(assigned.review)}
