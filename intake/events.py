"""What happens once a report is stored: a Prefect event that the `ingest-report` deployment's trigger answers.

Without a Prefect server (the embedded default) there is nobody to answer the event, so the report is ingested
in the web process itself.
"""

from __future__ import annotations

import logging

from prefect.settings import PREFECT_API_URL

from reformflow.core import db
from reformflow.flows.events import emit_submitted
from reformflow.supervision.reports.submissions import ingest_report

logger = logging.getLogger(__name__)


def ingest_inline(office: str, report_id: int) -> None:
    with db.transaction(office) as session:
        ingest_report(report_id, session=session)


def after_submit_handler():
    """The event when a Prefect server is configured, inline ingestion otherwise."""
    if PREFECT_API_URL.value():
        return emit_submitted
    logger.info("no PREFECT_API_URL: reports are ingested by the web process itself")
    return ingest_inline
