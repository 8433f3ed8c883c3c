"""Report periods (YYYY-MM) and their cut-off day: the day a period's reports are due."""

from __future__ import annotations

import re
from datetime import date

from reformflow.core.calendar import WorkingCalendar

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


def period_start(period: str) -> date:
    """The first day of a period; ValueError (in Chinese, for whoever reads it) when it is not a real month."""
    match = _PERIOD.fullmatch(period or "")
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"报送期“{period}”不是有效的年月（应为 YYYY-MM，如 2020-06）。")
    return date(int(match[1]), int(match[2]), 1)


def report_cutoff(period: str, cutoff_day: int, calendar: WorkingCalendar) -> date:
    """The office's cut-off day of the period's month; when it falls on a day off (a weekend or a public holiday)
    reports are due the next working day instead, as offices do with any deadline."""
    day = period_start(period).replace(day=cutoff_day)
    return day if calendar.is_workday(day) else calendar.next_workday(day)
