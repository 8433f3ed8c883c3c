"""monthly-bulletin: compute the month's numbers, write JSON/HTML/Markdown, publish to the office."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from flows.common import deliver_outbox, office_today
from models import Unit
from notifications.outbox import enqueue, unit_channels
from notifications.render import render_message
from reformflow import db
from reformflow.config import settings
from supervision.bulletin import PublishedBulletin, compute_bulletin, publish_bulletin


@task(name="compute-and-write-bulletin", cache_policy=NO_CACHE)
def compute_and_write(period: str, as_of: date) -> PublishedBulletin:
    with db.session() as session:
        data = compute_bulletin(period, as_of, session=session)
        return publish_bulletin(data, settings.bulletin_dir, session=session)


@task(name="queue-bulletin-summary", cache_policy=NO_CACHE)
def queue_summary(published: PublishedBulletin) -> int:
    """The chat/email summary to the office, once per distinct version of the numbers."""
    record = published.record
    message = render_message("bulletin_summary.md.j2", b=published.data, link=record.html_path)
    queued = 0
    with db.session() as session:
        office = session.exec(select(Unit).where(Unit.is_office)).one()
        for channel in unit_channels(session=session).get(office.id, []):
            key = f"bulletin:{record.period}:{record.digest[:16]}:{channel}"
            queued += enqueue(key, office, "bulletin", channel, message, session=session)
        session.commit()
    return queued


@flow(name="monthly-bulletin")
def monthly_bulletin(period: str | None = None, as_of: date | None = None) -> dict:
    logger = get_run_logger()
    as_of = as_of or office_today()
    period = period or as_of.strftime("%Y-%m")
    published = compute_and_write(period, as_of)
    record = published.record
    create_markdown_artifact(key="monthly-bulletin", markdown=published.markdown,
                             description=f"月度通报 {period} (version {record.version})")
    logger.info("bulletin %s version %d%s: %s", period, record.version,
                "" if published.new_version else " (numbers unchanged, no new version)", record.html_path)
    queue_summary(published)
    deliver_outbox("monthly-bulletin")
    return {"period": period, "version": record.version, "html": record.html_path, "json": record.json_path,
            "markdown": record.markdown_path, "totals": published.data["totals"]}
