"""Every dated phrase of a task is a milestone; the deadline is the last. Sentences quoted from real documents."""

from datetime import date

import pytest

from reformflow.parsing import extract_text
from reformflow.parsing.deadlines import find_deadline, find_milestones

# 国办发〔2020〕43号 (corpus a09), 具体措施 5 of (一): two dated phrases in one task.
TWO_DATES = ("2020年底前组织开展行业协会商会收费情况全面自查，2021年3月底前对行业协会商会乱收费自查、"
             "退还违法违规所得等情况开展检查，确保乱收费问题整改到位。")


def test_each_dated_phrase_is_a_milestone_and_the_last_is_the_deadline():
    milestones = find_milestones(TWO_DATES, 2020)
    assert [(m.due, m.text) for m in milestones] == [
        (date(2020, 12, 31), "2020年底前组织开展行业协会商会收费情况全面自查"),
        (date(2021, 3, 31), "2021年3月底前对行业协会商会乱收费自查、退还违法违规所得等情况开展检查"),
    ]
    assert find_deadline(TWO_DATES, 2020).due == date(2021, 3, 31)


def test_milestones_reach_the_extracted_task():
    text = "一、优化政务服务\n5．" + TWO_DATES + "（市场监管总局、民政部牵头，国务院相关部门及各地区按职责分工负责）\n"
    task = extract_text("plan.txt", text).tasks[0]
    assert [m.due for m in task.milestones] == [date(2020, 12, 31), date(2021, 3, 31)]
    assert task.deadline == date(2021, 3, 31)


@pytest.mark.parametrize(("text", "year", "due"), [
    ("十九大代表选举工作从现在开始，到明年6月底前结束。", 2016, date(2017, 6, 30)),  # 2016 news, relative year
    ("依据国家和省行政许可事项清单，2022年10月底前编制并公布市、县两级行政许可事项清单。", 2022, date(2022, 10, 31)),
    ("（牵头单位：州行政审批服务局；责任单位：州司法局，6月底完成）", 2020, date(2020, 6, 30)),  # 州政发〔2020〕5号
])
def test_dated_phrases(text, year, due):
    assert find_deadline(text, year).due == due


@pytest.mark.parametrize("text", [
    # 国发〔2018〕39号 (a04): policy windows and a start date
    "2019年1月1日至12月31日，对面临暂时性生产经营困难且恢复有望、坚持不裁员或少裁员的参保企业，返还标准可按6个月的当地月人均失业保险金确定。",
    "从2019年1月1日起，实施三年百万青年见习计划。",
    "各省、自治区、直辖市人民政府要在本意见印发之日起30日内，制定出台具体实施办法。",
    # 广州 2012 (a10): a span
    "2012年起5年内，大力实施“产业提升、科技创新、城乡一体、文化引领、民生幸福、国际交流”六大人才行动计划。",
    # 京政办发〔2016〕26号: an edition year
    "对权力清单进行动态调整，公布2016年版市政府部门权力清单。",
    # 国办发〔2018〕117号 (a07): a yearly routine, not a deadline
    "从2019年起，各有关部门于每年2月底前，根据上一年度工作成效，研究提出拟予督查激励的地方名单。",
    # 国办发〔2018〕121号 (a05): a plan's horizon
    "到2025年，体育竞赛表演产业总规模达到2万亿元。",
])
def test_spans_windows_start_dates_and_editions_are_not_deadlines(text):
    assert find_milestones(text, 2019) == []
