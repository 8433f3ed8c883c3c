"""Table cells as offices receive them: one agency per line of a units cell, a 序号 merged over several measures,
and the same two once a copy has flattened them (line breaks lost, merged cells left blank).

The rows are those of 西安市人民政府办公厅《西安市贯彻落实陕西省〈2022年深化“放管服”改革优化营商环境工作要点〉
分工方案》(2022-07-27), as a copy of the page keeps them (http://www.echinagov.com/policy/327617.htm, stored
page, its beginning): item (一) has two measures, (1) and (2), each led by two agencies that the copy runs
together as `市行政审批局市司法局`.
"""

from datetime import date

import docx
import pytest

from reformflow.parsing import extract_file, extract_text
from reformflow.parsing.names import split_units

TITLE = "西安市贯彻落实陕西省《2022年深化“放管服”改革优化营商环境工作要点》分工方案"
HEADER = ("序号", "陕西省《工作要点》部署任务", "西安市落实措施", "牵头单位", "责任单位", "完成时限", "备注")
TASK = "全面实施行政许可事项清单管理。"
MEASURE_1 = ("（1）全面准确依法编制市、区（县）行政许可事项清单，8月底前编制完成市级行政许可事项清单并向社会公布，"
             "9月底前编制完成区（县）级行政许可事项清单并向社会公布。")
MEASURE_2 = ("（2）严格落实行政许可事项清单之外一律不得违法实施行政许可的要求，大力清理整治变相许可，11月底前完成变相"
             "许可清查整治并将清理整治情况报省审改办备案。")
LEADS = ["市行政审批局", "市司法局"]
CO = ["市级相关单位", "各区县政府", "西咸新区管委会"]
CO_CELL = "市级相关单位，各区县政府、西咸新区管委会"
DUE = {"1.1": date(2022, 9, 30), "1.2": date(2022, 11, 30)}


def _assert_item_one(document) -> None:
    tasks = {task.code: task for task in document.tasks}
    assert list(tasks) == ["1.1", "1.2"]  # one item, two measures: neither replaces the other
    for code, task in tasks.items():
        assert (task.lead_units, task.co_units, task.deadline) == (LEADS, CO, DUE[code])
    assert tasks["1.2"].text.startswith("（2）严格落实")
    assert not [p for p in document.problems if "appears again" in p.reason or "序号" in p.reason]


def test_a_web_page_with_a_merged_number_and_one_agency_per_line(tmp_path):
    cells = "".join(f"<td>{word}</td>" for word in HEADER)
    page = (f"<html><body><p>{TITLE}</p><table border='1'><tr>{cells}</tr>"
            f"<tr><td rowspan='2'>1</td><td rowspan='2'>{TASK}</td><td>{MEASURE_1}</td>"
            f"<td>市行政审批局<br>市司法局</td><td>{CO_CELL}</td><td>2022年9月底</td><td></td></tr>"
            f"<tr><td>{MEASURE_2}</td><td><p>市行政审批局</p><p>市司法局</p></td><td>{CO_CELL}</td>"
            f"<td>2022年11月底</td><td></td></tr></table></body></html>")
    path = tmp_path / "fengong.html"
    path.write_text(page, encoding="utf-8")
    _assert_item_one(extract_file(path))


def test_a_word_table_with_a_merged_number_and_one_agency_per_paragraph(tmp_path):
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=3, cols=len(HEADER))
    for index, word in enumerate(HEADER):
        table.cell(0, index).text = word
    for row, (measure, due) in enumerate([(MEASURE_1, "2022年9月底"), (MEASURE_2, "2022年11月底")], start=1):
        table.cell(row, 2).text = measure
        table.cell(row, 3).text = LEADS[0]
        table.cell(row, 3).add_paragraph(LEADS[1])
        table.cell(row, 4).text = CO_CELL
        table.cell(row, 5).text = due
    table.cell(1, 0).merge(table.cell(2, 0)).text = "1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = TASK
    path = tmp_path / "fengong.docx"
    document.save(path)
    _assert_item_one(extract_file(path))


def test_a_flattened_copy_with_blank_merged_cells_and_agencies_run_together():
    text = (f"{TITLE}\n\n| {' | '.join(HEADER)} |\n|---|---|---|---|---|---|---|\n"
            f"| 1 | {TASK} | {MEASURE_1} | 市行政审批局市司法局 | {CO_CELL} | 2022年9月底 | |\n"
            f"| | | {MEASURE_2} | 市行政审批局市司法局 | {CO_CELL} | 2022年11月底 | |\n")
    _assert_item_one(extract_text("fengong.md", text))


def test_a_number_cell_that_carries_the_item_heading_as_the_copy_of_the_page_shows_it():
    # The copy's first column, under 序号, holds the province's item `（一）全面实施…`, merged over both measures.
    text = (f"{TITLE}\n\n| {' | '.join(HEADER)} |\n|---|---|---|---|---|---|---|\n"
            "| 一、全链条优化审批 | | | | | | |\n"
            f"| （一）{TASK} | 1.按照国务院要求，2022年底前编制并公布省、市、县三级行政许可事项清单。 | {MEASURE_1} |"
            f" 市行政审批局市司法局 | {CO_CELL} | 2022年9月底 | |\n"
            f"| | | {MEASURE_2} | 市行政审批局市司法局 | {CO_CELL} | 2022年11月底 | |\n")
    document = extract_text("fengong.md", text)
    _assert_item_one(document)
    first = document.tasks[0]
    assert (first.title, first.area) == ("全面实施行政许可事项清单管理", "全链条优化审批")


def test_a_row_without_a_number_that_is_no_measure_is_still_skipped():
    text = (f"{TITLE}\n\n| {' | '.join(HEADER)} |\n|---|---|---|---|---|---|---|\n"
            f"| 1 | {TASK} | {MEASURE_1} | 市行政审批局 | {CO_CELL} | 2022年9月底 | |\n"
            f"| | | 注：各单位于每月23日前报送工作落实情况。 | | | | |\n")
    document = extract_text("fengong.md", text)
    assert [task.code for task in document.tasks] == ["1"]
    assert any("序号" in problem.reason for problem in document.problems)


@pytest.mark.parametrize(("text", "names"), [
    ("市行政审批局市司法局", ["市行政审批局", "市司法局"]),
    ("省发展改革委省财政厅", ["省发展改革委", "省财政厅"]),
    ("市卫生健康委市中医药管理局", ["市卫生健康委", "市中医药管理局"]),
    # One name each, whatever their insides look like:
    ("国家税务总局深圳市税务局", ["国家税务总局深圳市税务局"]),  # a place name, not a level word, after 局
    ("深圳市市场监督管理局", ["深圳市市场监督管理局"]),
    ("市委市政府督查室", ["市委市政府督查室"]),  # a joint office
    ("市住建局市政处", ["市住建局市政处"]),  # a division of the bureau
    ("市财政局市级有关部门", ["市财政局市级有关部门"]),
])
def test_agencies_run_together_are_told_apart_only_when_both_are_whole_names(text, names):
    assert split_units(text) == names
