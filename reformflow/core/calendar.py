"""The Chinese working-day calendar: public holidays and 调休 make-up working days, and office hours.

`chinesecalendar` carries the State Council's published schedule (2004–2026 in the installed version).
For a year it does not know yet, weekends are days off and the office lists that year's holidays and
make-up days itself (REFORMFLOW_EXTRA_HOLIDAYS / REFORMFLOW_EXTRA_WORKDAYS); a warning says so.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar

logger = logging.getLogger(__name__)


class WorkingCalendar:
    def __init__(self, extra_holidays: list[date] | None = None, extra_workdays: list[date] | None = None):
        self.extra_holidays = set(extra_holidays or [])
        self.extra_workdays = set(extra_workdays or [])
        self._warned: set[int] = set()
        self._cumulative: dict[int, list[int]] = {}  # year → working days up to each day of that year
        self._until: dict[tuple[date, date], int] = {}  # a sweep or a bulletin asks about few distinct deadlines

    def is_workday(self, day: date) -> bool:
        cumulative = self._year(day.year)
        index = day.timetuple().tm_yday
        return cumulative[index] > cumulative[index - 1]

    def _year(self, year: int) -> list[int]:
        """Running count of working days through the year, computed once: a sweep asks about the same days
        tens of thousands of times."""
        if year not in self._cumulative:
            running, counts = 0, [0]
            day = date(year, 1, 1)
            while day.year == year:
                running += self._lookup(day)
                counts.append(running)
                day += timedelta(days=1)
            self._cumulative[year] = counts
        return self._cumulative[year]

    def _through(self, day: date, origin: int) -> int:
        """Working days from 1 January of the year `origin` through `day`."""
        years = sum(self._year(y)[-1] for y in range(origin, day.year))
        return years + self._year(day.year)[day.timetuple().tm_yday]

    def _lookup(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                logger.warning("no official holiday schedule for %s: weekends only, plus the office's own "
                               "REFORMFLOW_EXTRA_HOLIDAYS / REFORMFLOW_EXTRA_WORKDAYS", day.year)
            return day.weekday() < 5

    def workdays_until(self, today: date, deadline: date) -> int:
        """Working days left: those after today up to the deadline; negative, those past it up to today.

        0 means due: the deadline is today, or falls before the next working day.
        """
        known = self._until.get((today, deadline))
        if known is None:
            origin = min(today.year, deadline.year)
            known = self._until[today, deadline] = self._through(deadline, origin) - self._through(today, origin)
        return known

    def next_workday(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


class OfficeHours:
    """Messages go out on working days between `start` and `end`, office time; otherwise they wait."""

    def __init__(self, calendar: WorkingCalendar, start: time, end: time):
        self.calendar, self.start, self.end = calendar, start, end

    def is_open(self, now: datetime) -> bool:
        return self.calendar.is_workday(now.date()) and self.start <= now.time() < self.end

    def next_opening(self, now: datetime) -> datetime:
        day = now.date()
        if not (self.calendar.is_workday(day) and now.time() < self.start):
            day = self.calendar.next_workday(day)
        return datetime.combine(day, self.start, tzinfo=now.tzinfo)
