"""monthly-bulletin: compute the month's numbers, write JSON/HTML/Markdown and the Word notice (and its PDF),
publish to the office."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from reformflow.core import db
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.flows.common import deliver_outbox
from reformflow.flows.office import notice_style, office_today, public_base_url, working_calendar
from reformflow.models import Unit
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.fonts import missing as missing_fonts
from reformflow.supervision.bulletin.publish import (
    PublishedBulletin,
    bulletin_link,
    notice_pdf,
    publish_bulletin,
    queue_bulletin,
    queue_publish_failure,
)


@task(name="compute-and-write-bulletin", cache_policy=NO_CACHE)
def compute_and_write(office: str, period: str, as_of: date) -> PublishedBulletin:
    with db.transaction(office) as session:
        data = compute_bulletin(period, as_of, session=session, calendar=working_calendar(office),
                                zone=ZoneInfo(settings.timezone))
        office_unit = session.exec(select(Unit).where(Unit.is_office)).first()
        style = notice_style(period, office_unit.name if office_unit else None)
        if absent := missing_fonts([style.title_font, style.body_font, style.heading_font, style.subheading_font]):
            get_run_logger().warning("fonts of the Word notice not installed here, the PDF substitutes others: %s "
                                     "(make system-deps installs the defaults)", "、".join(absent))
        return publish_bulletin(data, get_office(office).bulletin_dir, session=session, pdf=settings.notice_pdf,
                                notice=style)


@task(name="tell-office-bulletin-failed", cache_policy=NO_CACHE)
def tell_office(office: str, period: str, as_of: date, error: str) -> int:
    with db.transaction(office) as session:
        return len(queue_publish_failure(period, as_of, error, session=session))


@task(name="queue-bulletin", cache_policy=NO_CACHE)
def queue(office: str, published: PublishedBulletin) -> int:
    link = bulletin_link(published.record.html_path, bulletin_dir=get_office(office).bulletin_dir,
                         public_base_url=public_base_url(office))
    with db.transaction(office) as session:
        return len(queue_bulletin(published, link, session=session))


@flow(name="monthly-bulletin")
def monthly_bulletin(office: str | None = None, period: str | None = None, as_of: date | None = None) -> dict:
    logger = get_run_logger()
    office = get_office(office).slug
    as_of = as_of or office_today()
    # Run on the 1st, the bulletin is for the month just ended; run mid-month, for the month so far.
    period = period or (as_of - timedelta(days=1)).strftime("%Y-%m")
    with tags(f"office:{office}", f"period:{period}"):
        try:
            published = compute_and_write(office, period, as_of)
        except Exception as exc:  # nothing was published: the versions before stay; the office must know
            error = f"{type(exc).__name__}: {exc}"[:500]
            logger.error("bulletin %s not published, the previous version stays: %s", period, error)
            tell_office(office, period, as_of, error)
            deliver_outbox(office, "monthly-bulletin")
            raise
    record = published.record
    create_markdown_artifact(key=f"{office}-monthly-bulletin", markdown=published.markdown,
                             description=f"月度通报 {period} (version {record.version})")
    logger.info("bulletin %s version %d%s: %s", period, record.version,
                "" if published.new_version else " (numbers unchanged, no new version)", record.html_path)
    with tags(f"office:{office}", f"period:{period}"):
        queue(office, published)
    deliver_outbox(office, "monthly-bulletin")
    return {"office": office, "period": period, "version": record.version, "html": record.html_path,
            "json": record.json_path, "markdown": record.markdown_path, "docx": record.docx_path,
            "pdf": str(printable) if (printable := notice_pdf(record)) else None, "totals": published.data["totals"]}
