"""Word, web and Excel inputs read as the same tasks a pasted text gives."""

from datetime import date, datetime

import docx
import pytest
from openpyxl import Workbook

from reformflow.cli.main import sample_documents
from reformflow.parsing import ExtractionError, extract_file
from reformflow.parsing.workbook import write_ledger

HEADER = ["序号", "所属领域", "改革措施", "牵头单位", "责任单位", "完成时限"]


def by_code(document):
    return {task.code: task for task in document.tasks}


def test_word_document_with_prose_and_a_merged_table(tmp_path):
    document = docx.Document()
    document.add_paragraph("某市2021年优化营商环境重点任务清单")
    table = document.add_table(rows=3, cols=6)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    rows = [["1", "一、商事登记", "压缩开办时间。一日办结。", "市市场监管局", "市公安局、市税务局", "2021年6月底"],
            ["2", "", "推行电子执照。", "市市场监管局", "", "2021年9月底"]]
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    table.cell(1, 1).merge(table.cell(2, 1))  # 所属领域 merged over both rows
    path = tmp_path / "plan.docx"
    document.save(path)
    tasks = by_code(extract_file(path))
    assert tasks["1"].co_units == ["市公安局", "市税务局"] and tasks["1"].deadline == date(2021, 6, 30)
    assert tasks["2"].area == "商事登记" and tasks["2"].deadline == date(2021, 9, 30)


def test_web_page_with_rowspan_bold_titles_and_prose(tmp_path):
    page = """<html><head><style>td{}</style></head><body><h1>某市2021年重点任务清单</h1>
    <table><tr><th>序号</th><th>所属领域</th><th>改革措施</th><th>牵头单位</th><th>责任单位</th><th>完成时限</th></tr>
    <tr><td>1</td><td rowspan="2">商事<br>登记</td><td><strong>压缩开办时间。</strong>一日办结。</td>
        <td>市市场监管局</td><td>市公安局</td><td>2021年6月底</td></tr>
    <tr><td>2</td><td>推行<b>电子执照</b>应用。</td><td>市市场监管局</td><td></td><td>长期坚持</td></tr>
    </table></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    tasks = by_code(extract_file(path))
    assert tasks["1"].title == "压缩开办时间" and tasks["1"].area == "商事登记"
    assert tasks["2"].area == "商事登记" and tasks["2"].deadline_kind == "standing"


def test_excel_ledger_with_merged_cells_dates_and_a_bad_row(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(["某市2021年重点任务工作台账"])
    sheet.append(HEADER)
    sheet.append([1, "商事登记", "压缩开办时间。", "市市场监管局", "市公安局", datetime(2021, 6, 30)])
    sheet.append([2, None, "推行电子执照。", None, None, "下半年"])
    sheet.merge_cells("B3:B4")
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    document = extract_file(path)
    tasks = by_code(document)
    assert tasks["1"].deadline == date(2021, 6, 30) and tasks["2"].area == "商事登记"
    assert [str(p) for p in document.problems] == [
        "ledger.xlsx sheet 台账 row 4: task 2: deadline '下半年' is not a date",
        "ledger.xlsx sheet 台账 row 4: task 2: no lead unit",
    ]


def test_the_excel_ledger_reads_back_as_the_same_tasks(tmp_path):
    seed = next(p for p in sample_documents() if p.name.startswith("002"))
    original = extract_file(seed)
    copy = extract_file(write_ledger([original], tmp_path / "ledger.xlsx"))
    fields = ("code", "area", "title", "lead_units", "co_units", "deadline")
    assert [[getattr(t, f) for f in fields] for t in copy.tasks] == [
        [getattr(t, f) for f in fields] for t in original.tasks]


@pytest.mark.parametrize(("name", "content"), [("broken.docx", b"PK\x03\x04 not really"), ("broken.xlsx", b"zip?")])
def test_damaged_office_files_are_named(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=f"{name}: not a readable"):
        extract_file(path)
