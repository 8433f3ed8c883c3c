"""collect-reports: import filed status reports, then chase units that have not reported this period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_outbox
from reformflow.flows.office import office_today, report_links, working_calendar
from reformflow.supervision.reports.collect import ReportImport, import_reports, queue_chases
from reformflow.supervision.units.directory import load_directory


@task(name="import-reports", cache_policy=NO_CACHE)
def import_file(office: str, path: str) -> ReportImport:
    directory = load_directory(get_office(office).directory)
    with db.transaction(office) as session:
        return import_reports(Path(path), directory, session=session, timezone=settings.timezone)


@task(name="chase-non-reporters", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def chase(office: str, as_of: date) -> list[str]:
    with db.transaction(office) as session:
        return queue_chases(as_of, session=session, cutoff_day=settings.report_cutoff_day,
                            calendar=working_calendar(office), days_before=settings.chase_days_before_cutoff,
                            links=report_links(office))


@flow(name="collect-reports")
def collect_reports(office: str | None = None, as_of: date | None = None, reports_file: str | None = None) -> dict:
    logger = get_run_logger()
    office = get_office(office).slug
    as_of = as_of or office_today()
    imported = import_file(office, reports_file) if reports_file else ReportImport()
    if reports_file:
        logger.info("%s: %d reports imported, %d already present", Path(reports_file).name,
                    imported.imported, imported.already_present)
    chased = chase(office, as_of)
    logger.info("%d chase messages queued for the %s reports", len(chased), as_of.strftime("%Y-%m"))
    delivery = deliver_outbox(office, "collect-reports")
    create_markdown_artifact(
        key=f"{office}-collect-reports-summary",
        markdown=(f"# 情况报送 {as_of.strftime('%Y-%m')}\n\n"
                  f"- imported: {imported.imported} reports ({imported.already_present} already present)\n"
                  f"- chase messages queued: {len(chased)}\n- delivered now: {len(delivery.sent)}\n"),
        description=f"Reports collected and units chased on {as_of}")
    return {"imported": imported.imported, "already_present": imported.already_present, "chased": len(chased),
            "sent": len(delivery.sent)}
