"""The working-day calendar with explicit dates: 2020's Dragon Boat and National Day holidays and their 调休."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from reformflow.core.calendar import OfficeHours, WorkingCalendar

CALENDAR = WorkingCalendar()
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("day", "workday"), [
    (date(2020, 6, 24), True),   # Wednesday
    (date(2020, 6, 25), False),  # 端午节, a Thursday
    (date(2020, 6, 27), False),  # Saturday
    (date(2020, 6, 28), True),   # Sunday, 调休: worked for the holiday
    (date(2020, 10, 8), False),  # 国庆中秋
    (date(2020, 10, 10), True),  # Saturday, 调休
])
def test_holidays_and_make_up_working_days(day, workday):
    assert CALENDAR.is_workday(day) is workday


@pytest.mark.parametrize(("today", "deadline", "left"), [
    (date(2020, 6, 23), date(2020, 6, 30), 4),   # 24, 28 (调休 Sunday), 29, 30: not 7 calendar days
    (date(2020, 9, 30), date(2020, 10, 9), 1),   # the National Day week counts for nothing
    (date(2020, 6, 24), date(2020, 6, 27), 0),   # due: no working day before a deadline on a holiday
    (date(2020, 6, 30), date(2020, 6, 30), 0),
    (date(2020, 10, 12), date(2020, 9, 30), -3),  # overdue by 9 (Fri), 10 (调休 Sat) and 12 October
])
def test_working_days_left(today, deadline, left):
    assert CALENDAR.workdays_until(today, deadline) == left


def test_years_without_an_official_schedule_use_weekends_and_the_offices_own_list(caplog):
    calendar = WorkingCalendar(extra_holidays=[date(2031, 1, 1)], extra_workdays=[date(2031, 1, 4)])
    assert calendar.is_workday(date(2031, 1, 1)) is False  # a Wednesday the office declared a holiday
    assert calendar.is_workday(date(2031, 1, 4)) is True  # a Saturday the office declared a working day
    assert calendar.is_workday(date(2031, 1, 5)) is False  # Sunday
    assert "no official holiday schedule for 2031" in caplog.text


@pytest.mark.parametrize(("now", "open_"), [
    (datetime(2020, 6, 24, 8, 59, tzinfo=SHANGHAI), False),
    (datetime(2020, 6, 24, 9, 0, tzinfo=SHANGHAI), True),
    (datetime(2020, 6, 24, 18, 0, tzinfo=SHANGHAI), False),
    (datetime(2020, 6, 25, 10, 0, tzinfo=SHANGHAI), False),  # 端午节
    (datetime(2020, 6, 28, 10, 0, tzinfo=SHANGHAI), True),  # a Sunday that is a working day
])
def test_office_hours(now, open_):
    assert OfficeHours(CALENDAR, time(9), time(18)).is_open(now) is open_


def test_after_hours_messages_wait_for_the_next_working_morning():
    hours = OfficeHours(CALENDAR, time(9), time(18))
    assert hours.next_opening(datetime(2020, 6, 24, 19, 0, tzinfo=SHANGHAI)) == datetime(2020, 6, 28, 9, 0,
                                                                                         tzinfo=SHANGHAI)
    assert hours.next_opening(datetime(2020, 6, 24, 7, 0, tzinfo=SHANGHAI)) == datetime(2020, 6, 24, 9, 0,
                                                                                        tzinfo=SHANGHAI)
