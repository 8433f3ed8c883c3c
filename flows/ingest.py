"""ingest-report: a filed report updates its task and tells the office about completion claims and extension
requests. Triggered by the `reformflow.report.submitted` event the intake page emits."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.flows.common import deliver_outbox
from reformflow.supervision.reports.submissions import ingest_report


@task(name="apply-report", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def apply_report(report_id: int) -> list[str]:
    with db.transaction() as session:
        return ingest_report(report_id, session=session)


@flow(name="ingest-report")
def ingest_report_flow(report_id: int) -> dict:
    logger = get_run_logger()
    queued = apply_report(report_id)
    logger.info("report %s ingested; %d messages to the office", report_id, len(queued))
    delivery = deliver_outbox("ingest-report")
    create_markdown_artifact(key="ingest-report", markdown=f"Report {report_id} ingested; {len(queued)} messages "
                                                           f"to the office; {len(delivery.sent)} delivered now.",
                             description="What the last filed report changed")
    return {"report_id": report_id, "queued": len(queued), "sent": len(delivery.sent)}
