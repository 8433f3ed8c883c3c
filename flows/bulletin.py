"""monthly-bulletin: compute the month's numbers, write JSON/HTML/Markdown, publish to the office."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from reformflow.core import db
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_outbox
from reformflow.flows.office import office_today, working_calendar
from reformflow.models import Unit
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.publish import (
    PublishedBulletin,
    bulletin_link,
    publish_bulletin,
    queue_bulletin,
    queue_publish_failure,
)


@task(name="compute-and-write-bulletin", cache_policy=NO_CACHE)
def compute_and_write(period: str, as_of: date) -> PublishedBulletin:
    with db.transaction() as session:
        data = compute_bulletin(period, as_of, session=session, calendar=working_calendar(),
                                zone=ZoneInfo(settings.timezone))
        office = session.exec(select(Unit).where(Unit.is_office)).first()
        return publish_bulletin(data, settings.bulletin_dir, session=session,
                                **({"office": office.name} if office else {}))


@task(name="tell-office-bulletin-failed", cache_policy=NO_CACHE)
def tell_office(period: str, as_of: date, error: str) -> int:
    with db.transaction() as session:
        return len(queue_publish_failure(period, as_of, error, session=session))


@task(name="queue-bulletin", cache_policy=NO_CACHE)
def queue(published: PublishedBulletin) -> int:
    link = bulletin_link(published.record.html_path, bulletin_dir=settings.bulletin_dir,
                         public_base_url=settings.public_base_url)
    with db.transaction() as session:
        return len(queue_bulletin(published, link, session=session))


@flow(name="monthly-bulletin")
def monthly_bulletin(period: str | None = None, as_of: date | None = None) -> dict:
    logger = get_run_logger()
    as_of = as_of or office_today()
    # Run on the 1st, the bulletin is for the month just ended; run mid-month, for the month so far.
    period = period or (as_of - timedelta(days=1)).strftime("%Y-%m")
    with tags(f"period:{period}"):
        try:
            published = compute_and_write(period, as_of)
        except Exception as exc:  # nothing was published: the versions before stay; the office must know
            error = f"{type(exc).__name__}: {exc}"[:500]
            logger.error("bulletin %s not published, the previous version stays: %s", period, error)
            tell_office(period, as_of, error)
            deliver_outbox("monthly-bulletin")
            raise
    record = published.record
    create_markdown_artifact(key="monthly-bulletin", markdown=published.markdown,
                             description=f"月度通报 {period} (version {record.version})")
    logger.info("bulletin %s version %d%s: %s", period, record.version,
                "" if published.new_version else " (numbers unchanged, no new version)", record.html_path)
    with tags(f"period:{period}"):
        queue(published)
    deliver_outbox("monthly-bulletin")
    return {"period": period, "version": record.version, "html": record.html_path, "json": record.json_path,
            "markdown": record.markdown_path, "docx": record.docx_path, "totals": published.data["totals"]}
