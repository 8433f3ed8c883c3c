"""An office's configuration turned into what the domain needs: today's date in its time zone, its working-day
calendar and office hours, its reminder policy, its report links and its sender.

The flows, the CLI and the web app build these here from the settings and the office's profile
(core/offices.py) and hand them to the supervision and notification functions, which never read either.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from reformflow.core.calendar import OfficeHours, WorkingCalendar
from reformflow.core.offices import get_office
from reformflow.core.settings import settings
from reformflow.supervision.bulletin.documents import NoticeStyle
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reports.links import ReportLinks

if TYPE_CHECKING:
    from reformflow.notifications.send import Courier


def office_now() -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


def office_today() -> date:
    return office_now().date()


def working_calendar(office: str) -> WorkingCalendar:
    """The national calendar with the installation's and the office's own days off and 调休 workdays."""
    profile = get_office(office)
    return WorkingCalendar([*settings.extra_holidays, *profile.extra_holidays],
                           [*settings.extra_workdays, *profile.extra_workdays])


def reminder_policy(office: str) -> ReminderPolicy:
    return ReminderPolicy(working_calendar(office), tuple(settings.reminder_days_before), settings.overdue_every_days,
                          settings.escalate_after_days_overdue)


def office_hours(office: str) -> OfficeHours:
    return OfficeHours(working_calendar(office), settings.office_hours_start, settings.office_hours_end)


def report_links(office: str) -> ReportLinks:
    return ReportLinks(settings.link_secret(), settings.intake_base_url, office, settings.link_valid_days)


def notice_style(period: str, office_name: str | None) -> NoticeStyle:
    """The Word notice as the installation's settings describe it; what they leave unset keeps the notice's
    defaults, and the issuer defaults to the office's name in its directory."""
    year, month = (int(part) for part in period.split("-"))
    chosen = {"issuer": settings.notice_issuer or office_name, "addressees": settings.notice_addressees,
              "number": settings.notice_number.format(year=year, month=month) if settings.notice_number else None,
              "title_font": settings.notice_title_font, "body_font": settings.notice_body_font,
              "heading_font": settings.notice_heading_font, "subheading_font": settings.notice_subheading_font}
    return NoticeStyle(**{key: value for key, value in chosen.items() if value})


def public_base_url(office: str) -> str | None:
    """Where the office's bulletin folder is published for readers: REFORMFLOW_PUBLIC_BASE_URL, with `{office}`
    where each office's folder goes."""
    return settings.public_base_url.replace("{office}", office) if settings.public_base_url else None


def sender(office: str) -> Courier:
    """Sends a batch's messages (use it in a `with` block: it keeps SMTP connections open until the block
    ends); the local outbox writes under the office's data folder."""
    from reformflow.notifications.send import Courier  # Apprise and the HTTP clients: only for what sends

    return Courier(outbox_dir=get_office(office).outbox_dir)
