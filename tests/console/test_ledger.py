"""首页 and 台账: the numbers are the bulletin's, the filters find what they say, the export is the filtered list."""

import io
import re

from openpyxl import load_workbook
from sqlmodel import select

from reformflow.flows.office import working_calendar
from reformflow.models import Evidence, StatusReport, Task
from reformflow.supervision.bulletin.compute import compute_bulletin
from tests.console.conftest import TODAY, log_in
from tests.factories import file_report, task_coded


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/console/tasks/\d+">([^<]+)</a>', html)


def test_the_dashboard_shows_the_bulletins_numbers_as_of_today(client, office):
    log_in(client, "leader")
    page = client.get("/console/").text
    expected = compute_bulletin("2020-06", TODAY, session=office, calendar=working_calendar("shenzhen"))
    assert expected["headline"] in page
    assert "推行电子发票" not in page.split("逾期（红灯）任务")[1].split("逐月趋势")[0]  # claimed: not red
    assert "推行联合验收" in page.split("逾期（红灯）任务")[1]  # due 6-15, not claimed: red
    assert "<svg" in page and "市公安局" in page and "2020-06" in page.split("逐月趋势")[1]


def test_the_ledger_filters_by_unit_and_role_light_and_deadline(client):
    log_in(client, "staff")
    assert titles(client.get("/console/ledger?unit=市税务局").text) == ["升级一窗通平台", "推行电子发票"]
    assert titles(client.get("/console/ledger?unit=市税务局&role=lead").text) == ["推行电子发票"]
    assert titles(client.get("/console/ledger?light=overdue").text) == ["推行联合验收"]
    assert titles(client.get("/console/ledger?overdue=1").text) == ["推行联合验收"]
    assert titles(client.get("/console/ledger?due_from=2020-06-01&due_to=2020-06-30").text) == [
        "升级一窗通平台", "推行联合验收"]
    assert titles(client.get("/console/ledger?sort=deadline&order=desc").text)[0] == "清理证明事项"
    bad = client.get("/console/ledger?due_from=下半年").text
    assert "“完成时限起”须为日期" in bad and len(titles(bad)) == 5  # the bad filter is named, not applied


def test_the_ledger_pages_fifty_tasks_at_a_time(client, office, monkeypatch):
    from reformflow.console import ledger

    monkeypatch.setattr(ledger, "PAGE_SIZE", 2)
    log_in(client, "staff")
    first, last = client.get("/console/ledger").text, client.get("/console/ledger?page=3").text
    assert len(titles(first)) == 2 and "第 1 / 3 页" in first and "下一页" in first
    assert titles(last) == ["清理证明事项"] and "上一页" in last


def test_the_export_is_the_filtered_ledger_with_every_cell_as_text(client, office):
    task = task_coded(office, "4")
    task.title = "=HYPERLINK(\"http://evil\")"
    office.add(task)
    office.commit()
    log_in(client, "staff")
    response = client.get("/console/ledger.xlsx?unit=市公安局")
    assert response.headers["content-disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[3] for r in rows] == ["升级一窗通平台", "=HYPERLINK(\"http://evil\")"]
    assert all(c.data_type == "s" for row in sheet.iter_rows(min_row=3) for c in row if c.value is not None)
    assert rows[0][4] == "市公安局" and rows[0][5] == "市税务局" and rows[0][6] == "2020-06-30"


def test_the_task_page_lists_every_report_and_its_evidence_downloads(client, office, data_dir):
    report = file_report(office, "1", "市税务局", "in_progress", 50, narrative="配合部分已完成接口。")
    (data_dir / "evidence").mkdir(parents=True, exist_ok=True)
    (data_dir / "evidence" / "abc123").write_bytes(b"%PDF-1.4 proof")
    office.add(Evidence(report_id=report.id, file_name="验收报告.pdf", stored_as="abc123",
                        content_type="application/octet-stream", size=14))
    office.commit()
    log_in(client, "leader")
    task = office.exec(select(Task).where(Task.code == "1")).one()
    page = client.get(f"/console/tasks/{task.id}").text
    assert "平台已上线。" in page and "配合部分已完成接口。" in page and "验收报告.pdf" in page
    evidence_id = office.exec(select(Evidence)).one().id
    download = client.get(f"/console/evidence/{evidence_id}")
    assert download.content == b"%PDF-1.4 proof"
    assert download.headers["content-type"] == "application/octet-stream"
    assert len(office.exec(select(StatusReport).where(StatusReport.task_id == task.id)).all()) == 2
