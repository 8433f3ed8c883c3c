"""Report periods and their cut-off day on the Chinese working-day calendar."""

from datetime import date

import pytest

from reformflow.core.calendar import WorkingCalendar
from reformflow.supervision.reports.periods import period_start, report_cutoff


@pytest.mark.parametrize(("period", "cutoff_day", "due"), [
    ("2020-06", 25, date(2020, 6, 28)),  # 端午 25–27 June; Sunday the 28th is a 调休 working day
    ("2020-05", 25, date(2020, 5, 25)),  # a Monday: unchanged
    ("2020-10", 1, date(2020, 10, 9)),  # 国庆 and 中秋, 1–8 October
    ("2020-07", 25, date(2020, 7, 27)),  # a Saturday: the Monday after
])
def test_a_cutoff_on_a_day_off_moves_to_the_next_working_day(period, cutoff_day, due):
    assert report_cutoff(period, cutoff_day, WorkingCalendar()) == due


def test_the_offices_own_holidays_move_the_cutoff_too():
    calendar = WorkingCalendar(extra_holidays=[date(2020, 5, 25)])
    assert report_cutoff("2020-05", 25, calendar) == date(2020, 5, 26)


@pytest.mark.parametrize("period", ["2020-13", "2020-00", "2020-6", "202006", "", "2020-06-01"])
def test_a_period_that_is_not_a_month_is_refused_by_name(period):
    with pytest.raises(ValueError, match=f"报送期“{period}”不是有效的年月"):
        period_start(period)
