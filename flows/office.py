"""The office's configuration turned into what the domain needs: today's date in its time zone, its working-day
calendar and office hours, its reminder policy, its report links and its senders.

The flows, the CLI and the web app build these here from the settings and hand them to the supervision and
notification functions, which never read the settings themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from reformflow.core.calendar import OfficeHours, WorkingCalendar
from reformflow.core.settings import settings
from reformflow.notifications.send import Courier
from reformflow.supervision.reminders.plan import ReminderPolicy
from reformflow.supervision.reports.links import ReportLinks


def office_now() -> datetime:
    return datetime.now(ZoneInfo(settings.timezone))


def office_today() -> date:
    return office_now().date()


def working_calendar() -> WorkingCalendar:
    return WorkingCalendar(settings.extra_holidays, settings.extra_workdays)


def reminder_policy() -> ReminderPolicy:
    return ReminderPolicy(working_calendar(), tuple(settings.reminder_days_before), settings.overdue_every_days,
                          settings.escalate_after_days_overdue)


def office_hours() -> OfficeHours:
    return OfficeHours(working_calendar(), settings.office_hours_start, settings.office_hours_end)


def report_links() -> ReportLinks:
    return ReportLinks(settings.link_secret(), settings.intake_base_url, settings.link_valid_days)


def sender() -> Courier:
    """Sends a batch's messages (use it in a `with` block: it keeps SMTP connections open until the block
    ends); the local outbox writes under the data directory."""
    return Courier(outbox_dir=settings.outbox_dir)
