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
from reformflow.flows.office import office_today, working_calendar
from reformflow.models import Unit
from reformflow.supervision.bulletin.compute import compute_bulletin
from reformflow.supervision.bulletin.documents import NoticeStyle
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
        return publish_bulletin(data, get_office(office).bulletin_dir, session=session, pdf=settings.notice_pdf,
                                notice=notice_style(period, office_unit.name if office_unit else None))


@task(name="tell-office-bulletin-failed", cache_policy=NO_CACHE)
def tell_office(office: str, period: str, as_of: date, error: str) -> int:
    with db.transaction(office) as session:
        return len(queue_publish_failure(period, as_of, error, session=session))


def notice_style(period: str, office_name: str | None) -> NoticeStyle:
    """The office's notice settings; what it leaves unset keeps the notice's defaults."""
    year, month = (int(part) for part in period.split("-"))
    chosen = {"issuer": settings.notice_issuer or office_name, "addressees": settings.notice_addressees,
              "number": settings.notice_number.format(year=year, month=month) if settings.notice_number else None,
              "title_font": settings.notice_title_font, "body_font": settings.notice_body_font,
              "heading_font": settings.notice_heading_font, "subheading_font": settings.notice_subheading_font}
    style = NoticeStyle(**{key: value for key, value in chosen.items() if value})
    if absent := missing_fonts([style.title_font, style.body_font, style.heading_font, style.subheading_font]):
        get_run_logger().warning("fonts of the Word notice not installed here, the PDF substitutes others: %s "
                                 "(make system-deps installs the defaults)", "、".join(absent))
    return style


@task(name="queue-bulletin", cache_policy=NO_CACHE)
def queue(office: str, published: PublishedBulletin) -> int:
    # One public address per office: REFORMFLOW_PUBLIC_BASE_URL may hold `{office}`.
    base = settings.public_base_url.replace("{office}", office) if settings.public_base_url else None
    link = bulletin_link(published.record.html_path, bulletin_dir=get_office(office).bulletin_dir,
                         public_base_url=base)
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
