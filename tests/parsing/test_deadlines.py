from datetime import date

import pytest

from reformflow.parsing.deadlines import EXPLICIT, INFERRED, STANDING, find_deadline, parse_deadline_cell


@pytest.mark.parametrize(("cell", "due", "kind"), [
    ("2020年6月底", date(2020, 6, 30), EXPLICIT),
    ("2020年3月底", date(2020, 3, 31), EXPLICIT),
    ("2020年1月", date(2020, 1, 31), EXPLICIT),
    ("2020年6月底底", date(2020, 6, 30), EXPLICIT),
    ("2020年2月底", date(2020, 2, 29), EXPLICIT),
    ("2020年12月", date(2020, 12, 31), EXPLICIT),
    ("2022年底前", date(2022, 12, 31), EXPLICIT),
    ("2020年9月15日前", date(2020, 9, 15), EXPLICIT),
    ("6月底前", date(2021, 6, 30), INFERRED),
    ("长期坚持", None, STANDING),
    ("持续推进", None, STANDING),
])
def test_deadline_cells(cell, due, kind):
    deadline = parse_deadline_cell(cell, 2021)
    assert (deadline.due, deadline.kind) == (due, kind)


@pytest.mark.parametrize("cell", ["", "待定", "13月底"])
def test_cells_that_are_not_dates(cell):
    assert parse_deadline_cell(cell, 2021) is None


@pytest.mark.parametrize(("text", "due", "kind"), [
    ("2022年底前，落实有关事项取得突破性进展。", date(2022, 12, 31), EXPLICIT),
    ("到2020年底，智慧服务型数字政府总体建成。", date(2020, 12, 31), EXPLICIT),
    ("9月底前，完成系统改造。", date(2020, 9, 30), INFERRED),
    ("2022年10月底前编制完成实施细则。", date(2022, 10, 31), EXPLICIT),
    ("先于2019年底前启动试点，2020年3月底前在全市推开。", date(2020, 3, 31), EXPLICIT),
])
def test_deadlines_in_prose(text, due, kind):
    deadline = find_deadline(text, 2020)
    assert (deadline.due, deadline.kind) == (due, kind)


@pytest.mark.parametrize("text", [
    "压缩至14个工作日内办结。",
    "实现1天办结。",
    "深圳市人民政府2022年1月29日印发。",
    "2019年将首证通改革覆盖更多行业。",
    "自2020年1月1日起，向新设企业提供免费刻章服务。",
])
def test_durations_and_dates_that_are_not_deadlines(text):
    assert find_deadline(text, 2020) is None
