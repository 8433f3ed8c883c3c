"""monthly-bulletin: compute the month's numbers, write JSON/HTML/Markdown, publish to the office."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from flows.common import deliver_outbox, office_today
from models import Unit
from notifications.message import OutgoingMessage
from notifications.outbox import enqueue, enqueue_rendered, unit_channels
from notifications.render import render_message
from reformflow import db
from reformflow.config import settings
from supervision.bulletin import PublishedBulletin, compute_bulletin, publish_bulletin


@task(name="compute-and-write-bulletin", cache_policy=NO_CACHE)
def compute_and_write(period: str, as_of: date) -> PublishedBulletin:
    with db.session() as session:
        data = compute_bulletin(period, as_of, session=session)
        office = session.exec(select(Unit).where(Unit.is_office)).first()
        return publish_bulletin(data, settings.bulletin_dir, session=session,
                                **({"office": office.name} if office else {}))


@task(name="queue-bulletin", cache_policy=NO_CACHE)
def queue_bulletin(published: PublishedBulletin) -> int:
    """To the office and the leaders, once per distinct version of the numbers: by email the bulletin itself
    with the Word notice attached; by chat a summary that fits the robot, with a link."""
    record = published.record
    link = bulletin_link(record.html_path)
    queued = []
    with db.session() as session:
        recipients = session.exec(select(Unit).where(Unit.is_office | Unit.is_leader)).all()
        channels = unit_channels(session=session)
        for unit in recipients:
            for channel in channels.get(unit.id, []):
                key = f"bulletin:{unit.slug}:{record.period}:{record.digest[:16]}:{channel}"
                queued += _queue_one(key, unit, channel, published, link, session=session)
        session.commit()
    return len(queued)


def _queue_one(key: str, unit: Unit, channel: str, published: PublishedBulletin, link: str, *, session) -> list[str]:
    if channel == "email":
        html = Path(published.record.html_path).read_text(encoding="utf-8")
        subject = render_message("bulletin_summary.md.j2", b=published.data, link=link).subject
        attachments = (published.record.docx_path,) if published.record.docx_path else ()
        return [key] if enqueue(key, unit, "bulletin", channel, OutgoingMessage(subject, html, "html", attachments),
                                session=session) else []
    return enqueue_rendered(key, unit, "bulletin", channel, "bulletin_summary", session=session,
                            b=published.data, link=link)


def bulletin_link(path: str) -> str:
    """Where readers open the bulletin: under REFORMFLOW_PUBLIC_BASE_URL when the office publishes the
    bulletin folder on its intranet, else the file itself."""
    if settings.public_base_url:
        relative = Path(path).resolve().relative_to(settings.bulletin_dir.resolve())
        return f"{settings.public_base_url.rstrip('/')}/{relative.as_posix()}"
    return Path(path).resolve().as_uri()


@flow(name="monthly-bulletin")
def monthly_bulletin(period: str | None = None, as_of: date | None = None) -> dict:
    logger = get_run_logger()
    as_of = as_of or office_today()
    # Run on the 1st, the bulletin is for the month just ended; run mid-month, for the month so far.
    period = period or (as_of - timedelta(days=1)).strftime("%Y-%m")
    with tags(f"period:{period}"):
        published = compute_and_write(period, as_of)
    record = published.record
    create_markdown_artifact(key="monthly-bulletin", markdown=published.markdown,
                             description=f"月度通报 {period} (version {record.version})")
    logger.info("bulletin %s version %d%s: %s", period, record.version,
                "" if published.new_version else " (numbers unchanged, no new version)", record.html_path)
    with tags(f"period:{period}"):
        queue_bulletin(published)
    deliver_outbox("monthly-bulletin")
    return {"period": period, "version": record.version, "html": record.html_path, "json": record.json_path,
            "markdown": record.markdown_path, "docx": record.docx_path, "totals": published.data["totals"]}
