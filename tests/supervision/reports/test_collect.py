from datetime import date
from functools import partial

import pytest
from sqlmodel import select

from reformflow.core.calendar import WorkingCalendar
from reformflow.models import Message, StatusReport, Task, Unit
from reformflow.supervision.ledger import store_document
from reformflow.supervision.reports.collect import ReportImportError, import_reports, queue_chases
from reformflow.supervision.units.assignment import assign_tasks
from reformflow.supervision.units.directory import load_directory
from tests.factories import document, ledger, links, no_decisions, outbox_units, task

HEADER = "source,code,unit,status,progress,note,reported_at\n"


@pytest.fixture
def directory(session, tmp_path):
    return ledger(session, tmp_path, [task("1", ["市公安局"], ["市税务局"], deadline=date(2020, 6, 30)),
                                      task("2", ["市税务局"], deadline=date(2020, 9, 30))])


def write(tmp_path, rows):
    path = tmp_path / "reports.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def load(session, tmp_path, directory, rows):
    return import_reports(write(tmp_path, rows), directory, session=session, timezone="Asia/Shanghai")


def test_reports_update_the_task_from_its_lead_unit(session, tmp_path, directory):
    result = load(session, tmp_path, directory, [
        "plan.txt,1,市公安局,已完成,100,已上线运行,2020-06-20",
        "plan.txt,1,市税务局,推进中,60,配合推进,2020-06-21",  # a later co-unit report does not overrule the lead
        "plan.txt,2,市税务局,滞后,20,受疫情影响,2020-06-21",
    ])
    assert (result.imported, result.periods) == (3, {"2020-06"})
    tasks = {t.code: t for t in session.exec(select(Task))}
    assert (tasks["1"].status, tasks["1"].progress) == ("completed", 100)
    assert (tasks["2"].status, tasks["2"].progress) == ("lagging", 20)


def test_importing_the_same_file_twice_stores_nothing_twice(session, tmp_path, directory):
    rows = ["plan.txt,1,市公安局,推进中,50,进行中,2020-06-20"]
    load(session, tmp_path, directory, rows)
    again = load(session, tmp_path, directory, rows)
    assert (again.imported, again.already_present) == (0, 1)
    assert len(session.exec(select(StatusReport)).all()) == 1


@pytest.mark.parametrize(("row", "error"), [
    ("plan.txt,9,市公安局,推进中,50,x,2020-06-20", "第3行，“序号”列：文件“plan.txt”中没有序号为“9”的任务"),
    ("plan.txt,2,市公安局,推进中,50,x,2020-06-20", "第3行，“单位”列：市公安局不是任务2的责任单位"),
    ("plan.txt,1,市外星局,推进中,50,x,2020-06-20", "第3行，“单位”列：“市外星局”不是通讯录中的一个单位"),
    ("plan.txt,1,市公安局,差不多,50,x,2020-06-20", "第3行，“状态”列：“差不多”不是以下之一"),
    ("plan.txt,1,市公安局,推进中,150,x,2020-06-20", "第3行，“进度”列：150不在0到100之间"),
    ("plan.txt,1,市公安局,推进中,半,x,2020-06-20", "第3行，“进度”列：“半”不是整数"),
    ("plan.txt,1,市公安局,推进中,50,x,六月", "第3行，“报送日期”列：“六月”不是日期"),
])
def test_one_bad_row_means_nothing_is_imported(session, tmp_path, directory, row, error):
    with pytest.raises(ReportImportError, match=error):
        load(session, tmp_path, directory, ["plan.txt,1,市公安局,推进中,50,ok,2020-06-20", row])
    assert session.exec(select(StatusReport)).all() == []


def test_missing_columns_are_named(session, tmp_path, directory):
    path = tmp_path / "bad.csv"
    path.write_text("source,code,unit\nplan.txt,1,市公安局\n", encoding="utf-8")
    with pytest.raises(ReportImportError, match="第1行：缺少列 状态（status）、进度（progress）"):
        import_reports(path, directory, session=session, timezone="Asia/Shanghai")


def test_units_without_a_report_are_chased_once_before_the_cutoff(session, tmp_path, directory):
    load(session, tmp_path, directory, ["plan.txt,1,市公安局,推进中,50,ok,2020-06-20"])
    calendar = WorkingCalendar()
    chase_on = partial(queue_chases, session=session, cutoff_day=25, days_before=5, calendar=calendar, links=links())
    assert chase_on(date(2020, 6, 10)) == []  # too early: 9 working days before the cut-off
    assert chase_on(date(2020, 6, 21)) == []  # a Sunday
    assert chase_on(date(2020, 6, 26)) == []  # after the cut-off
    queued = chase_on(date(2020, 6, 22))  # 2 working days before the 25th (a holiday in 2020)
    assert queued == ["chase:unit-2:2020-06:outbox"]  # 市税务局: tasks 1 (co) and 2 unreported
    chase = session.exec(select(Message).where(Message.kind == "chase")).one()
    assert "2项改革任务未报送2020年6月" in chase.body
    assert chase_on(date(2020, 6, 23)) == []  # once per period


def test_the_excel_template_filled_in_imports_and_a_bad_row_is_named(session, tmp_path, directory):
    from openpyxl import load_workbook

    from reformflow.models import Unit
    from reformflow.supervision.reports.files import write_template

    unit = session.exec(select(Unit).where(Unit.name == "市税务局")).one()
    path = write_template(unit, "2020-06", tmp_path / "tax.xlsx", session=session)
    workbook = load_workbook(path)
    sheet = workbook["2020-06"]
    assert [c.value for c in sheet[1]][:5] == ["文件", "序号", "任务名称", "职责", "完成时限"]
    assert [(r[1].value, r[3].value) for r in sheet.iter_rows(min_row=2)] == [("1", "配合"), ("2", "牵头")]
    sheet["G2"], sheet["H2"], sheet["I2"], sheet["J2"] = "推进中", 50, "数据对接完成。", "2020-06-20"
    sheet["G3"], sheet["H3"], sheet["I3"], sheet["J3"] = "推进中", 150, "进行中。", "2020-06-20"
    workbook.save(path)
    with pytest.raises(ReportImportError, match=r"tax\.xlsx 工作表 2020-06 第3行，“进度”列：150"):
        import_reports(path, directory, session=session, timezone="Asia/Shanghai")
    assert session.exec(select(StatusReport)).all() == []
    sheet["H3"] = 30
    workbook.save(path)
    assert import_reports(path, directory, session=session, timezone="Asia/Shanghai").imported == 2


def test_text_that_looks_like_a_formula_stays_text_in_the_sheet(session, tmp_path, directory):
    from openpyxl import load_workbook

    from reformflow.supervision.reports.files import write_template

    item = session.exec(select(Task)).first()
    item.title = '=HYPERLINK("http://example.com","点击")'
    session.add(item)
    unit = session.exec(select(Unit).where(Unit.name == "市公安局")).one()
    path = write_template(unit, "2020-06", tmp_path / "sheet.xlsx", session=session)
    cell = next(c for row in load_workbook(path).active.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"  # text, not a formula Excel would evaluate


def test_a_document_not_yet_issued_is_not_chased(session, tmp_path):
    """The same rule as reminders and the bulletin: a list issued after the day is not yet in force."""
    ledger(session, tmp_path, [task("1", ["市公安局"], deadline=date(2020, 6, 30))],
           units=outbox_units("市公安局", "市统计局"))
    store_document(document([task("9", ["市统计局"]), task("8", ["市公安局"])], source="2022.txt",
                            issued_on=date(2022, 6, 1)), session=session)
    assign_tasks(load_directory(tmp_path / "directory.yaml"), no_decisions(), session=session)
    queued = queue_chases(date(2020, 6, 22), session=session, cutoff_day=25, days_before=5,
                          calendar=WorkingCalendar(), links=links())
    chase = session.exec(select(Message).where(Message.kind == "chase")).one()  # 市统计局 has nothing in force
    assert queued == [chase.idempotency_key] and "市公安局" in chase.subject
    assert "1项改革任务未报送" in chase.body and "2022.txt" not in chase.body
