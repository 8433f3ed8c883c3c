"""Task tables as issuers publish them: header words that vary, a web page's nested layout tables, section rows,
and columns known only by their content. Rows are quoted from real documents."""

from datetime import date

import pytest

from reformflow.parsing import extract_file, extract_text

# 国办发〔2018〕126号 annex (corpus a08), inside the layout table a gov.cn page wraps every article in.
PAGE = """<html><body><table class="layout">
<tr><td>索引号：000014349/2019-00004</td><td>发文机关：国务院办公厅</td></tr>
<tr><td colspan="2"><p>国务院办公厅关于推广第二批支持创新相关改革举措的通知</p><p>国办发〔2018〕126号</p>
<table border="1" class="MsoNormalTable">
<tr><td><p><b>序号</b></p></td><td><p><b>改革举措</b></p></td><td><p><b>主 要 内 容</b></p></td>
<td><p><b>指导部门</b></p></td><td><p><b>推广范围</b></p></td></tr>
<tr><td colspan="5"><p><b>一、知识产权保护方面（共5项）</b></p></td></tr>
<tr><td><p>1</p></td><td><p>知识产权民事、刑事、行政案件“三合一”审判</p></td><td><p>整合分散的审判资源，实行知识产权民事、刑事、行政案件审判“三合一”，实现审判力量集中、审判标准统一，提高审判效率，缩短审判周期。</p></td>
<td><p>最高人民法院、最高人民检察院、国家知识产权局</p></td><td><p>全国</p></td></tr>
<tr><td colspan="5"><p><b>二、科技成果转化激励方面（共4项）</b></p></td></tr>
<tr><td><p>6</p></td><td><p>以事前产权激励为核心的职务科技成果权属改革</p></td><td><p>赋予科研人员一定比例的职务科技成果所有权，将事后科技成果转化收益奖励，前置为事前国有知识产权所有权奖励，以产权形式激发职务发明人从事科技成果转化的重要动力。</p></td>
<td><p>科技部、国家发展改革委、财政部、国家知识产权局、教育部、国务院国资委、中科院、司法部</p></td><td><p>8个改革试验区域</p></td></tr>
</table></td></tr></table></body></html>
"""


def test_a_word_table_nested_in_a_page_layout_table(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    tasks = {task.code: task for task in extract_file(path).tasks}
    assert list(tasks) == ["1", "6"]
    assert (tasks["1"].lead_units, tasks["1"].co_units) == (["最高人民法院"], ["最高人民检察院", "国家知识产权局"])
    assert tasks["1"].title == "知识产权民事、刑事、行政案件“三合一”审判"
    assert tasks["6"].area == "科技成果转化激励方面"  # the section row above it, without its count
    assert "全国" not in tasks["1"].co_units  # 推广范围 is a scope, not a unit


# Seed 002 (深圳市2020年优化营商环境改革重点任务清单), rows 3 and 39, under the header words other issuers use.
ROWS = ("| 3 | <b>压缩开办企业 1 天内办结。</b> 申请人通过“开办企业一窗通”平台填报开办企业信息后，"
        "市场监管部门 0.5 天内予以核准。 | 市市场监管局 | 市公安局、市税务局、市人力资源保障局、市住房建设局 |"
        " 2020 年 1 月底 |\n"
        "| 39 | <b>推动市政设施接入服务多渠道。</b> 通过微信小程序、i深圳等多种途径，"
        "实现水、电、气掌上办理报装、查询、缴费等业务。 | 市政务服务数据管理局、市水务集团、市燃气集团、"
        "深圳供电局按职责分工负责 | 市工业和信息化局、市住房建设局、市水务局 | 2020年6月底 |\n")


@pytest.mark.parametrize(("lead", "co", "due"), [
    ("牵头单位", "责任单位", "完成时限"),
    ("主办单位", "协办单位", "时间节点"),
    ("牵头部门", "配合单位", "完成时间"),
    ("牵头单位", "责任部门", "完成期限"),
])
def test_header_words_of_other_issuers(lead, co, due):
    text = f"| 序号 | 改革措施 | {lead} | {co} | {due} |\n|---|---|---|---|---|\n{ROWS}"
    tasks = {task.code: task for task in extract_text("list.md", text).tasks}
    assert tasks["3"].lead_units == ["市市场监管局"]
    assert tasks["3"].co_units == ["市公安局", "市税务局", "市人力资源保障局", "市住房建设局"]
    assert tasks["39"].lead_units == ["市政务服务数据管理局", "市水务集团", "市燃气集团", "深圳供电局"]
    assert (tasks["3"].deadline, tasks["39"].deadline) == (date(2020, 1, 31), date(2020, 6, 30))


@pytest.mark.parametrize("header", [
    "| 序号 | 改革措施 | 责任单位 | 配合单位 | 完成时限 |",  # 责任单位 alone leads by the document's convention
    "| 序号 | 改革措施 | 责任部门 | 协同部门 | 时间 |",
])
def test_a_units_column_that_does_not_say_who_leads(header):
    text = f"{header}\n|---|---|---|---|---|\n{ROWS}"
    task = extract_text("list.md", text).tasks[1]
    assert task.lead_units == ["市政务服务数据管理局"]
    assert task.co_units[:3] == ["市水务集团", "市燃气集团", "深圳供电局"]
    assert "牵头单位按默认规则推定" in task.doubts


def test_columns_known_only_by_their_content():
    # No header row at all (a sheet pasted without it): numbers, the measure, agency lists, dates.
    more = ROWS.replace("| 3 |", "| 4 |").replace("| 39 |", "| 40 |")
    text = "深圳市2020年优化营商环境改革重点任务清单\n" + ROWS + more
    tasks = {task.code: task for task in extract_text("list.md", text).tasks}
    assert tasks["3"].lead_units == ["市市场监管局"]
    assert tasks["3"].deadline == date(2020, 1, 31)
    assert tasks["39"].title == "推动市政设施接入服务多渠道"


def test_a_page_that_repeats_no_header_continues_the_table_before_it():
    first, second = ROWS.splitlines()
    text = f"| 序号 | 改革措施 | 牵头单位 | 责任单位 | 完成时限 |\n|---|---|---|---|---|\n{first}\n- 2 -\n{second}\n"
    tasks = {task.code: task for task in extract_text("list.md", text).tasks}
    # every unit of the 牵头单位 column leads, as on the first page: the columns are not guessed again
    assert tasks["39"].lead_units == ["市政务服务数据管理局", "市水务集团", "市燃气集团", "深圳供电局"]
